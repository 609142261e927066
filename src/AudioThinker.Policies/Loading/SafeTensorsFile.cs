using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Data.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Loading;

/// <summary>
/// Streams tensors between safetensors files and TorchSharp: only the header is parsed up front and each tensor is
/// read straight into its own buffer, so multi-gigabyte shards of 7B checkpoints never sit in managed memory whole
/// (<see cref="SafeTensors"/> in Data reads small files, such as fixtures, entirely).
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly FileStream _stream;
    private readonly long _dataStart;

    private SafeTensorsFile(string path, FileStream stream, long dataStart, Dictionary<string, SafeTensorInfo> tensors)
    {
        Path = path;
        _stream = stream;
        _dataStart = dataStart;
        Tensors = tensors;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Its tensors by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>Opens a file and reads its header.</summary>
    /// <exception cref="InvalidDataException">The file is missing, truncated or its header is malformed; the message names the file.</exception>
    public static SafeTensorsFile Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot open safetensors file: {e.Message}", e);
        }
        try
        {
            Span<byte> lengthBytes = stackalloc byte[8];
            if (stream.Length < 8 || stream.Read(lengthBytes) != 8)
            {
                throw new InvalidDataException($"{path}: too short for a safetensors file ({stream.Length} bytes)");
            }
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > (ulong)(stream.Length - 8) || headerLength > 100_000_000)
            {
                throw new InvalidDataException($"{path}: header length {headerLength} does not fit the file ({stream.Length} bytes)");
            }
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var dataStart = 8 + (long)headerLength;
            var tensors = SafeTensors.ParseHeader(header, path, stream.Length - dataStart, out _);
            return new SafeTensorsFile(path, stream, dataStart, tensors);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads a tensor onto the CPU in the file's own dtype.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public Tensor Read(string name)
    {
        if (!Tensors.TryGetValue(name, out var info))
        {
            throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");
        }
        var tensor = torch.empty(info.Shape, ToScalarType(info.DType));
        if (info.ElementCount > 0)
        {
            lock (_stream)
            {
                _stream.Seek(_dataStart + info.Begin, SeekOrigin.Begin);
                tensor.ReadBytesFromStream(_stream, BufferSize);
            }
        }
        return tensor;
    }

    /// <summary>
    /// Writes tensors (any device; each is copied to the CPU in turn) in safetensors layout, keys sorted as Hugging Face
    /// writes them, to a temporary file that is then renamed over <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">Names and tensors.</param>
    /// <param name="metadata">The <c>__metadata__</c> entries (transformers expects <c>format: pt</c>).</param>
    /// <param name="floatType">When set, floating-point tensors are converted to it one at a time as they are written.</param>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        ScalarType? floatType = null)
    {
        ScalarType Stored(Tensor t) => floatType is { } f && torch.is_floating_point(t.dtype) ? f : t.dtype;
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
        foreach (var (name, tensor) in list)
        {
            var dtype = ToSafeTensorDType(Stored(tensor), name);
            var bytes = tensor.numel() * SafeTensors.SizeOf(dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype.ToString(),
                ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (headerBytes.Length + 7) / 8 * 8; // the data section starts 8-byte aligned
        var tmp = path + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            stream.Write(len);
            stream.Write(headerBytes);
            for (var i = headerBytes.Length; i < padded; i++)
            {
                stream.WriteByte((byte)' ');
            }
            foreach (var (_, tensor) in list)
            {
                if (tensor.numel() == 0)
                {
                    continue;
                }
                using var cpu = tensor.detach().to(Stored(tensor), torch.CPU).contiguous();
                cpu.WriteBytesToStream(stream, BufferSize);
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The TorchSharp dtype of a safetensors dtype.</summary>
    public static ScalarType ToScalarType(SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F32 => ScalarType.Float32,
        SafeTensorDType.F16 => ScalarType.Float16,
        SafeTensorDType.BF16 => ScalarType.BFloat16,
        SafeTensorDType.F64 => ScalarType.Float64,
        SafeTensorDType.I64 => ScalarType.Int64,
        SafeTensorDType.I32 => ScalarType.Int32,
        SafeTensorDType.I8 => ScalarType.Int8,
        SafeTensorDType.U8 => ScalarType.Byte,
        SafeTensorDType.BOOL => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no TorchSharp dtype"),
    };

    /// <summary>The safetensors dtype of a TorchSharp dtype.</summary>
    public static SafeTensorDType ToSafeTensorDType(ScalarType dtype, string name = "tensor") => dtype switch
    {
        ScalarType.Float32 => SafeTensorDType.F32,
        ScalarType.Float16 => SafeTensorDType.F16,
        ScalarType.BFloat16 => SafeTensorDType.BF16,
        ScalarType.Float64 => SafeTensorDType.F64,
        ScalarType.Int64 => SafeTensorDType.I64,
        ScalarType.Int32 => SafeTensorDType.I32,
        ScalarType.Int8 => SafeTensorDType.I8,
        ScalarType.Byte => SafeTensorDType.U8,
        ScalarType.Bool => SafeTensorDType.BOOL,
        _ => throw new ArgumentException($"{name}: dtype {dtype} has no safetensors equivalent"),
    };

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
