using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioThinker.Data.IO;

/// <summary>Element types a safetensors file can hold that AudioThinker reads.</summary>
public enum SafeTensorDType
{
    /// <summary>32-bit float.</summary>
    F32,
    /// <summary>16-bit IEEE half.</summary>
    F16,
    /// <summary>bfloat16.</summary>
    BF16,
    /// <summary>64-bit float.</summary>
    F64,
    /// <summary>64-bit integer.</summary>
    I64,
    /// <summary>32-bit integer.</summary>
    I32,
    /// <summary>8-bit integer.</summary>
    I8,
    /// <summary>Unsigned byte.</summary>
    U8,
    /// <summary>Boolean (one byte).</summary>
    BOOL,
}

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">Its element type.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Begin">Start of its bytes, relative to the data section.</param>
/// <param name="End">End (exclusive) of its bytes, relative to the data section.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes per element.</summary>
    public int ElementSize => SafeTensors.SizeOf(DType);
}

/// <summary>
/// Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON header, then raw
/// little-endian tensor bytes), as Hugging Face writes it. The whole file is read into memory.
/// </summary>
public sealed class SafeTensors
{
    private readonly byte[] _data;
    private readonly int _dataStart;

    private SafeTensors(string source, byte[] data, int dataStart, Dictionary<string, SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Source = source;
        _data = data;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The file this was read from (for error messages).</summary>
    public string Source { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads a file.</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors; the message names the file and the fault.</exception>
    public static SafeTensors Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read safetensors file: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses safetensors bytes.</summary>
    public static SafeTensors Parse(byte[] bytes, string source = "<memory>")
    {
        if (bytes.Length < 8)
        {
            throw new InvalidDataException($"{source}: too short for a safetensors file ({bytes.Length} bytes)");
        }
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw new InvalidDataException($"{source}: header length {headerLength} exceeds the file size {bytes.Length}");
        }
        var dataStart = 8 + (int)headerLength;
        var tensors = ParseHeader(bytes.AsSpan(8, (int)headerLength), source, bytes.Length - dataStart, out var metadata);
        return new SafeTensors(source, bytes, dataStart, tensors, metadata);
    }

    /// <summary>Parses and checks a safetensors JSON header: every tensor's dtype, shape and offsets, which must fit
    /// <paramref name="dataLength"/> bytes of data. Shared by every reader of the format (this one, and the streaming one of
    /// the Policies project).</summary>
    /// <exception cref="InvalidDataException">The header is malformed; the message names the source and the tensor.</exception>
    public static Dictionary<string, SafeTensorInfo> ParseHeader(ReadOnlySpan<byte> header, string source, long dataLength, out Dictionary<string, string> metadata)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(header)?.AsObject() ?? throw new InvalidDataException($"{source}: empty header");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: header is not a JSON object: {e.Message}", e);
        }
        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject())
                {
                    metadata[k] = v?.ToString() ?? "";
                }
                continue;
            }
            try
            {
                var entry = node!.AsObject();
                var dtypeText = entry["dtype"]!.GetValue<string>();
                if (!Enum.TryParse<SafeTensorDType>(dtypeText, out var dtype))
                {
                    throw new InvalidDataException($"{source}: tensor '{name}' has unsupported dtype '{dtypeText}'");
                }
                var shape = entry["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                var offsets = entry["data_offsets"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                if (offsets.Length != 2)
                {
                    throw new InvalidDataException($"{source}: tensor '{name}' needs two data_offsets, got {offsets.Length}");
                }
                var info = new SafeTensorInfo(name, dtype, shape, offsets[0], offsets[1]);
                if (info.Begin < 0 || info.End > dataLength || info.End - info.Begin != info.ElementCount * info.ElementSize)
                {
                    throw new InvalidDataException(
                        $"{source}: tensor '{name}' has offsets [{offsets[0]}, {offsets[1]}] that do not fit its shape [{string.Join(", ", shape)}] ({dtype}) or the file");
                }
                tensors[name] = info;
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or IndexOutOfRangeException)
            {
                throw new InvalidDataException($"{source}: tensor '{name}' has a malformed header entry: {e.Message}", e);
            }
        }
        return tensors;
    }

    /// <summary>The raw little-endian bytes of a tensor.</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var info = Get(name);
        return _data.AsSpan(_dataStart + (int)info.Begin, (int)(info.End - info.Begin));
    }

    /// <summary>A tensor's entry; throws naming the file when it is absent.</summary>
    public SafeTensorInfo Get(string name) =>
        Tensors.TryGetValue(name, out var info) ? info : throw new KeyNotFoundException($"{Source}: no tensor named '{name}'");

    /// <summary>A floating-point tensor as float32 values (F32, F16, BF16 and F64 are converted).</summary>
    public float[] GetFloats(string name)
    {
        var info = Get(name);
        var bytes = GetBytes(name);
        var result = new float[info.ElementCount];
        switch (info.DType)
        {
            case SafeTensorDType.F32:
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                }
                break;
            case SafeTensorDType.F64:
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                }
                break;
            case SafeTensorDType.F16:
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                }
                break;
            case SafeTensorDType.BF16:
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                }
                break;
            default:
                throw new InvalidDataException($"{Source}: tensor '{name}' is {info.DType}, not a floating-point type");
        }
        return result;
    }

    /// <summary>An integer tensor as int64 values (I64, I32, I8, U8 and BOOL are converted).</summary>
    public long[] GetLongs(string name)
    {
        var info = Get(name);
        var bytes = GetBytes(name);
        var result = new long[info.ElementCount];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = info.DType switch
            {
                SafeTensorDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]),
                SafeTensorDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]),
                SafeTensorDType.I8 => (sbyte)bytes[i],
                SafeTensorDType.U8 or SafeTensorDType.BOOL => bytes[i],
                _ => throw new InvalidDataException($"{Source}: tensor '{name}' is {info.DType}, not an integer type"),
            };
        }
        return result;
    }

    /// <summary>Bytes per element of a dtype.</summary>
    public static int SizeOf(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        SafeTensorDType.F32 or SafeTensorDType.I32 => 4,
        SafeTensorDType.F16 or SafeTensorDType.BF16 => 2,
        _ => 1,
    };

    /// <summary>A tensor to write.</summary>
    /// <param name="Name">Its key.</param>
    /// <param name="DType">Its element type.</param>
    /// <param name="Shape">Its shape.</param>
    /// <param name="Bytes">Its raw little-endian bytes.</param>
    public sealed record Entry(string Name, SafeTensorDType DType, long[] Shape, byte[] Bytes);

    /// <summary>Writes tensors to a file atomically (a temporary file renamed over the target), keys in sorted order as Hugging Face does.</summary>
    public static void Save(string path, IEnumerable<Entry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata)
            {
                meta[k] = v;
            }
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var t in list)
        {
            var expected = t.Shape.Aggregate(1L, (a, b) => a * b) * SizeOf(t.DType);
            if (expected != t.Bytes.Length)
            {
                throw new ArgumentException($"tensor '{t.Name}': {t.Bytes.Length} bytes do not match shape [{string.Join(", ", t.Shape)}] of {t.DType}");
            }
            header[t.Name] = new JsonObject
            {
                ["dtype"] = t.DType.ToString(),
                ["shape"] = new JsonArray(t.Shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + t.Bytes.Length),
            };
            offset += t.Bytes.Length;
        }
        var headerBytes = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (headerBytes.Length + 7) / 8 * 8; // align the data section to 8 bytes
        var tmp = path + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            stream.Write(len);
            stream.Write(headerBytes);
            for (var i = headerBytes.Length; i < padded; i++)
            {
                stream.WriteByte((byte)' ');
            }
            foreach (var t in list)
            {
                stream.Write(t.Bytes);
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Convenience: an F32 entry from floats.</summary>
    public static Entry F32(string name, long[] shape, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }
        return new Entry(name, SafeTensorDType.F32, shape, bytes);
    }
}
