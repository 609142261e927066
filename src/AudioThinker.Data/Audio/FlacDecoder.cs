namespace AudioThinker.Data.Audio;

/// <summary>
/// A compact FLAC decoder (NuGet serves none): STREAMINFO, then frames of CONSTANT, VERBATIM, FIXED and LPC
/// subframes with Rice / Rice2 residuals (escape partitions included), wasted bits, and the left/side, right/side and
/// mid/side stereo decorrelations; 4 to 32 bits per sample, any channel count. Frame header CRC-8 and frame CRC-16
/// are checked so that a damaged file fails with the byte offset instead of producing noise.
/// Verified against files written by the reference encoder (<c>flac</c>); see the tests.
/// </summary>
public static class FlacDecoder
{
    /// <summary>Whether the bytes start like a FLAC stream ("fLaC", possibly after an ID3v2 tag).</summary>
    public static bool Sniff(ReadOnlySpan<byte> head) => head.StartsWith("fLaC"u8) || (head.StartsWith("ID3"u8) && head.IndexOf("fLaC"u8) > 0);

    /// <summary>Decodes a FLAC file and mixes it down to mono.</summary>
    /// <exception cref="AudioFormatException">The file is not valid FLAC; the message names the file and the fault.</exception>
    public static AudioClip Decode(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot read: {e.Message}", e);
        }
        return Decode(bytes, path);
    }

    /// <summary>Decodes FLAC bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="AudioFormatException">The bytes are not valid FLAC.</exception>
    public static AudioClip Decode(byte[] bytes, string source)
    {
        try
        {
            var (channels, perChannel, bits, rate) = DecodeChannels(bytes, source);
            var mono = new float[perChannel[0].Length];
            var scale = 1.0 / (1L << (bits - 1)) / channels;
            for (var i = 0; i < mono.Length; i++)
            {
                double sum = 0;
                for (var c = 0; c < channels; c++)
                {
                    sum += perChannel[c][i];
                }
                mono[i] = (float)(sum * scale);
            }
            return new AudioClip(mono, rate, channels, $"FLAC {bits}-bit");
        }
        catch (EndOfStreamException e)
        {
            throw new AudioFormatException(source, $"FLAC stream is truncated: {e.Message}", e);
        }
    }

    /// <summary>Decodes FLAC bytes to integer samples per channel, with the stream's bits per sample and sample rate.</summary>
    /// <exception cref="AudioFormatException">The bytes are not valid FLAC.</exception>
    public static (int Channels, long[][] Samples, int BitsPerSample, int SampleRate) DecodeChannels(byte[] bytes, string source)
    {
        var pos = SkipId3(bytes);
        if (bytes.Length < pos + 4 || !bytes.AsSpan(pos, 4).SequenceEqual("fLaC"u8))
        {
            throw new AudioFormatException(source, "not a FLAC stream (no 'fLaC' marker)");
        }
        pos += 4;
        var info = ReadMetadata(bytes, ref pos, source);
        var output = new List<long>[info.Channels];
        for (var c = 0; c < info.Channels; c++)
        {
            output[c] = new List<long>(info.TotalSamples > 0 ? (int)Math.Min(info.TotalSamples, int.MaxValue / 2) : 1 << 16);
        }
        var reader = new FlacBitReader(bytes, pos);
        long decoded = 0;
        var buffers = new long[info.Channels][];
        while (reader.BytePosition + 2 <= bytes.Length)
        {
            if (info.TotalSamples > 0 && decoded >= info.TotalSamples)
            {
                break; // trailing bytes (e.g. an ID3v1 tag) after the last frame
            }
            var frameStart = reader.BytePosition;
            if (bytes[frameStart] != 0xFF || (bytes[frameStart + 1] & 0xFE) != 0xF8)
            {
                if (info.TotalSamples == 0 && decoded > 0)
                {
                    break; // unknown length: stop at the first non-frame bytes
                }
                throw new AudioFormatException(source, $"FLAC frame sync missing at byte {frameStart} after {decoded} samples");
            }
            var blockSize = DecodeFrame(reader, bytes, info, buffers, source, frameStart);
            for (var c = 0; c < info.Channels; c++)
            {
                for (var i = 0; i < blockSize; i++)
                {
                    output[c].Add(buffers[c][i]);
                }
            }
            decoded += blockSize;
        }
        if (decoded == 0)
        {
            throw new AudioFormatException(source, "FLAC stream holds no audio frames");
        }
        if (info.TotalSamples > 0 && decoded < info.TotalSamples)
        {
            throw new AudioFormatException(source, $"FLAC stream is truncated: STREAMINFO promises {info.TotalSamples} samples, {decoded} decoded");
        }
        var count = info.TotalSamples > 0 ? (int)info.TotalSamples : (int)decoded;
        return (info.Channels, output.Select(o => o.Take(count).ToArray()).ToArray(), info.BitsPerSample, info.SampleRate);
    }

    private sealed record StreamInfo(int SampleRate, int Channels, int BitsPerSample, long TotalSamples, int MaxBlockSize);

    private static int SkipId3(byte[] bytes)
    {
        if (bytes.Length >= 10 && bytes.AsSpan(0, 3).SequenceEqual("ID3"u8))
        {
            // ID3v2 size: four 7-bit bytes, plus a 10-byte header (and a 10-byte footer when flagged).
            var size = (bytes[6] << 21) | (bytes[7] << 14) | (bytes[8] << 7) | bytes[9];
            return 10 + size + ((bytes[5] & 0x10) != 0 ? 10 : 0);
        }
        return 0;
    }

    private static StreamInfo ReadMetadata(byte[] bytes, ref int pos, string source)
    {
        StreamInfo? info = null;
        var last = false;
        while (!last)
        {
            if (pos + 4 > bytes.Length)
            {
                throw new AudioFormatException(source, $"FLAC metadata runs past the end of the file at byte {pos}");
            }
            last = (bytes[pos] & 0x80) != 0;
            var type = bytes[pos] & 0x7F;
            var length = (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
            pos += 4;
            if (pos + length > bytes.Length)
            {
                throw new AudioFormatException(source, $"FLAC metadata block of type {type} ({length} bytes) runs past the end of the file");
            }
            if (type == 0)
            {
                if (length < 34)
                {
                    throw new AudioFormatException(source, $"FLAC STREAMINFO is {length} bytes, expected 34");
                }
                var r = new FlacBitReader(bytes, pos);
                r.ReadBits(16); // min block size
                var maxBlock = (int)r.ReadBits(16);
                r.ReadBits(24); // min frame size
                r.ReadBits(24); // max frame size
                var rate = (int)r.ReadBits(20);
                var channels = (int)r.ReadBits(3) + 1;
                var bits = (int)r.ReadBits(5) + 1;
                var total = ((long)r.ReadBits(4) << 32) | r.ReadBits(32);
                if (rate == 0)
                {
                    throw new AudioFormatException(source, "FLAC STREAMINFO gives a sample rate of 0");
                }
                if (bits < 4)
                {
                    throw new AudioFormatException(source, $"FLAC STREAMINFO gives {bits} bits per sample (at least 4 are allowed)");
                }
                info = new StreamInfo(rate, channels, bits, total, maxBlock);
            }
            else if (info is null)
            {
                throw new AudioFormatException(source, $"FLAC metadata starts with block type {type}, not STREAMINFO");
            }
            pos += length;
        }
        return info ?? throw new AudioFormatException(source, "FLAC stream has no STREAMINFO block");
    }

    private static int DecodeFrame(FlacBitReader r, byte[] bytes, StreamInfo info, long[][] buffers, string source, int frameStart)
    {
        string Fault(string what) => $"FLAC frame at byte {frameStart}: {what}";
        r.ReadBits(15); // sync (14) + reserved (1)
        r.ReadBits(1); // blocking strategy: fixed or variable; the number that follows is not needed here
        var blockCode = (int)r.ReadBits(4);
        var rateCode = (int)r.ReadBits(4);
        var channelCode = (int)r.ReadBits(4);
        var sizeCode = (int)r.ReadBits(3);
        r.ReadBits(1);
        ReadUtf8Number(r, source, frameStart);
        var blockSize = blockCode switch
        {
            0 => throw new AudioFormatException(source, Fault("reserved block size code 0")),
            1 => 192,
            >= 2 and <= 5 => 576 << (blockCode - 2),
            6 => (int)r.ReadBits(8) + 1,
            7 => (int)r.ReadBits(16) + 1,
            _ => 256 << (blockCode - 8),
        };
        switch (rateCode)
        {
            case 12:
                r.ReadBits(8);
                break;
            case 13:
            case 14:
                r.ReadBits(16);
                break;
            case 15:
                throw new AudioFormatException(source, Fault("invalid sample rate code 15"));
        }
        var bits = sizeCode switch
        {
            0 => info.BitsPerSample,
            1 => 8,
            2 => 12,
            4 => 16,
            5 => 20,
            6 => 24,
            7 => 32,
            _ => throw new AudioFormatException(source, Fault($"reserved sample size code {sizeCode}")),
        };
        var headerEnd = r.BytePosition;
        var crc8 = (byte)r.ReadBits(8);
        if (Crc8(bytes.AsSpan(frameStart, headerEnd - frameStart)) != crc8)
        {
            throw new AudioFormatException(source, Fault("header CRC-8 mismatch (the file is damaged)"));
        }
        int channels = channelCode switch
        {
            <= 7 => channelCode + 1,
            <= 10 => 2,
            _ => throw new AudioFormatException(source, Fault($"reserved channel assignment {channelCode}")),
        };
        if (channels != info.Channels)
        {
            throw new AudioFormatException(source, Fault($"has {channels} channels, STREAMINFO says {info.Channels}"));
        }
        for (var c = 0; c < channels; c++)
        {
            if (buffers[c] is null || buffers[c].Length < blockSize)
            {
                buffers[c] = new long[Math.Max(blockSize, info.MaxBlockSize)];
            }
            // The side channel carries one extra bit.
            var sideBits = (channelCode == 8 && c == 1) || (channelCode == 9 && c == 0) || (channelCode == 10 && c == 1) ? 1 : 0;
            DecodeSubframe(r, buffers[c], blockSize, bits + sideBits, source, Fault);
        }
        r.AlignToByte();
        var frameEnd = r.BytePosition;
        var crc16 = (ushort)r.ReadBits(16);
        if (Crc16(bytes.AsSpan(frameStart, frameEnd - frameStart)) != crc16)
        {
            throw new AudioFormatException(source, Fault("CRC-16 mismatch (the file is damaged)"));
        }
        Decorrelate(channelCode, buffers, blockSize);
        // Normalise every frame to the stream's bit depth so that mixing frames of different sizes is consistent.
        if (bits != info.BitsPerSample)
        {
            var shift = info.BitsPerSample - bits;
            for (var c = 0; c < channels; c++)
            {
                for (var i = 0; i < blockSize; i++)
                {
                    buffers[c][i] = shift > 0 ? buffers[c][i] << shift : buffers[c][i] >> -shift;
                }
            }
        }
        return blockSize;
    }

    private static void ReadUtf8Number(FlacBitReader r, string source, int frameStart)
    {
        var first = r.ReadBits(8);
        var extra = first switch
        {
            < 0x80 => 0,
            >= 0xC0 and < 0xE0 => 1,
            >= 0xE0 and < 0xF0 => 2,
            >= 0xF0 and < 0xF8 => 3,
            >= 0xF8 and < 0xFC => 4,
            >= 0xFC and < 0xFE => 5,
            0xFE => 6,
            _ => throw new AudioFormatException(source, $"FLAC frame at byte {frameStart}: bad frame number coding (0x{first:X2})"),
        };
        for (var i = 0; i < extra; i++)
        {
            if ((r.ReadBits(8) & 0xC0) != 0x80)
            {
                throw new AudioFormatException(source, $"FLAC frame at byte {frameStart}: bad frame number continuation byte");
            }
        }
    }

    private static void DecodeSubframe(FlacBitReader r, long[] output, int blockSize, int bits, string source, Func<string, string> fault)
    {
        if (r.ReadBits(1) != 0)
        {
            throw new AudioFormatException(source, fault("subframe padding bit is set"));
        }
        var type = (int)r.ReadBits(6);
        var wasted = 0;
        if (r.ReadBits(1) == 1)
        {
            wasted = r.ReadUnary() + 1;
            bits -= wasted;
        }
        if (bits <= 0)
        {
            throw new AudioFormatException(source, fault($"{wasted} wasted bits leave no sample bits"));
        }
        var block = output.AsSpan(0, blockSize);
        if (type == 0)
        {
            block.Fill(r.ReadSignedLong(bits));
        }
        else if (type == 1)
        {
            for (var i = 0; i < blockSize; i++)
            {
                block[i] = r.ReadSignedLong(bits);
            }
        }
        else if (type is >= 8 and <= 12)
        {
            var order = type - 8;
            ReadWarmup(r, block, order, bits, blockSize, source, fault);
            ReadResidual(r, block, order, blockSize, source, fault);
            RestoreFixed(block, order);
        }
        else if (type >= 32)
        {
            var order = type - 31;
            ReadWarmup(r, block, order, bits, blockSize, source, fault);
            var precision = (int)r.ReadBits(4) + 1;
            if (precision == 16)
            {
                throw new AudioFormatException(source, fault("invalid LPC coefficient precision"));
            }
            var shift = r.ReadSigned(5);
            if (shift < 0)
            {
                throw new AudioFormatException(source, fault($"negative LPC shift {shift}"));
            }
            var coefficients = new long[order];
            for (var j = 0; j < order; j++)
            {
                coefficients[j] = r.ReadSigned(precision);
            }
            ReadResidual(r, block, order, blockSize, source, fault);
            for (var i = order; i < blockSize; i++)
            {
                long sum = 0;
                for (var j = 0; j < order; j++)
                {
                    sum += coefficients[j] * block[i - 1 - j];
                }
                block[i] += sum >> shift;
            }
        }
        else
        {
            throw new AudioFormatException(source, fault($"reserved subframe type {type}"));
        }
        if (wasted > 0)
        {
            for (var i = 0; i < blockSize; i++)
            {
                block[i] <<= wasted;
            }
        }
    }

    private static void ReadWarmup(FlacBitReader r, Span<long> block, int order, int bits, int blockSize, string source, Func<string, string> fault)
    {
        if (order > blockSize)
        {
            throw new AudioFormatException(source, fault($"predictor order {order} exceeds the block size {blockSize}"));
        }
        for (var i = 0; i < order; i++)
        {
            block[i] = r.ReadSignedLong(bits);
        }
    }

    // Reads the residual into block[order..]; the predictor is added afterwards.
    private static void ReadResidual(FlacBitReader r, Span<long> block, int order, int blockSize, string source, Func<string, string> fault)
    {
        var method = (int)r.ReadBits(2);
        if (method > 1)
        {
            throw new AudioFormatException(source, fault($"reserved residual coding method {method}"));
        }
        int parameterBits = method == 0 ? 4 : 5, escape = method == 0 ? 15 : 31;
        var partitionOrder = (int)r.ReadBits(4);
        var partitions = 1 << partitionOrder;
        if (blockSize % partitions != 0 || (blockSize >> partitionOrder) < order)
        {
            throw new AudioFormatException(source, fault($"partition order {partitionOrder} does not fit block size {blockSize} and order {order}"));
        }
        var index = order;
        for (var p = 0; p < partitions; p++)
        {
            var count = (blockSize >> partitionOrder) - (p == 0 ? order : 0);
            var parameter = (int)r.ReadBits(parameterBits);
            if (parameter == escape)
            {
                var rawBits = (int)r.ReadBits(5);
                for (var i = 0; i < count; i++)
                {
                    block[index++] = r.ReadSigned(rawBits);
                }
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    block[index++] = r.ReadRice(parameter);
                }
            }
        }
    }

    private static void RestoreFixed(Span<long> s, int order)
    {
        for (var i = order; i < s.Length; i++)
        {
            s[i] += order switch
            {
                0 => 0,
                1 => s[i - 1],
                2 => 2 * s[i - 1] - s[i - 2],
                3 => 3 * s[i - 1] - 3 * s[i - 2] + s[i - 3],
                _ => 4 * s[i - 1] - 6 * s[i - 2] + 4 * s[i - 3] - s[i - 4],
            };
        }
    }

    private static void Decorrelate(int channelCode, long[][] ch, int n)
    {
        switch (channelCode)
        {
            case 8: // left, side: right = left − side
                for (var i = 0; i < n; i++)
                {
                    ch[1][i] = ch[0][i] - ch[1][i];
                }
                break;
            case 9: // side, right: left = side + right
                for (var i = 0; i < n; i++)
                {
                    ch[0][i] += ch[1][i];
                }
                break;
            case 10: // mid, side
                for (var i = 0; i < n; i++)
                {
                    var side = ch[1][i];
                    var mid = (ch[0][i] << 1) | (side & 1);
                    ch[0][i] = (mid + side) >> 1;
                    ch[1][i] = (mid - side) >> 1;
                }
                break;
        }
    }

    private static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (byte)((crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1);
            }
        }
        return crc;
    }

    private static readonly ushort[] Crc16Table = BuildCrc16Table();

    private static ushort[] BuildCrc16Table()
    {
        var table = new ushort[256];
        for (var n = 0; n < 256; n++)
        {
            var crc = (ushort)(n << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (ushort)((crc & 0x8000) != 0 ? (crc << 1) ^ 0x8005 : crc << 1);
            }
            table[n] = crc;
        }
        return table;
    }

    private static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
        {
            crc = (ushort)((crc << 8) ^ Crc16Table[(crc >> 8) ^ b]);
        }
        return crc;
    }
}
