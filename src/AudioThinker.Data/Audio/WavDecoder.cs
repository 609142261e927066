using System.Buffers.Binary;
using NAudio.Wave;

namespace AudioThinker.Data.Audio;

/// <summary>
/// Decodes WAV (RIFF, RF64) through NAudio's <see cref="WaveFileReader"/>: integer PCM of 8 (unsigned), 16, 24 and
/// 32 bits, IEEE float of 32 and 64 bits, plain or WAVE_FORMAT_EXTENSIBLE, any number of channels (averaged to mono).
/// </summary>
public static class WavDecoder
{
    /// <summary>Whether the bytes start like a WAV file.</summary>
    public static bool Sniff(ReadOnlySpan<byte> head) =>
        head.Length >= 12 && (head.StartsWith("RIFF"u8) || head.StartsWith("RF64"u8)) && head[8..12].SequenceEqual("WAVE"u8);

    /// <summary>Decodes a WAV file and mixes it down to mono.</summary>
    /// <exception cref="AudioFormatException">The file is not a WAV file NAudio can parse, or its encoding is not PCM or IEEE float.</exception>
    public static AudioClip Decode(string path)
    {
        WaveFormat format;
        byte[] data;
        try
        {
            using var reader = new WaveFileReader(path);
            format = reader.WaveFormat;
            data = new byte[reader.Length];
            var read = 0;
            while (read < data.Length)
            {
                var n = reader.Read(data, read, data.Length - read);
                if (n == 0)
                {
                    break;
                }
                read += n;
            }
            // NAudio reports the data chunk's declared length; a cut-off file delivers fewer bytes.
            if (read < data.Length)
            {
                Array.Resize(ref data, read - read % Math.Max(1, format.BlockAlign));
            }
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException or ArgumentException or NotSupportedException)
        {
            throw new AudioFormatException(path, $"broken WAV header: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot read: {e.Message}", e);
        }
        var (floating, description) = Classify(format, path, format.Encoding == WaveFormatEncoding.Extensible ? ExtensibleSubFormat(path) : null);
        var channels = format.Channels;
        if (channels <= 0)
        {
            throw new AudioFormatException(path, "WAV header declares 0 channels");
        }
        var bytesPerSample = format.BitsPerSample / 8;
        var frames = data.Length / (bytesPerSample * channels);
        var mono = new float[frames];
        var span = data.AsSpan();
        for (var i = 0; i < frames; i++)
        {
            double sum = 0;
            for (var c = 0; c < channels; c++)
            {
                var s = span.Slice((i * channels + c) * bytesPerSample, bytesPerSample);
                sum += ReadSample(s, format.BitsPerSample, floating);
            }
            mono[i] = (float)(sum / channels);
        }
        return new AudioClip(mono, format.SampleRate, channels, description);
    }

    private static (bool Floating, string Description) Classify(WaveFormat format, string path, Guid? subFormat)
    {
        var encoding = format.Encoding;
        var floating = encoding == WaveFormatEncoding.IeeeFloat;
        var pcm = encoding == WaveFormatEncoding.Pcm;
        if (subFormat is { } guid)
        {
            floating = guid == AudioMediaSubtypes.MEDIASUBTYPE_IEEE_FLOAT;
            pcm = guid == AudioMediaSubtypes.MEDIASUBTYPE_PCM;
            if (!floating && !pcm)
            {
                throw new AudioFormatException(path, $"unsupported WAV codec: WAVE_FORMAT_EXTENSIBLE sub-format {guid} (only PCM and IEEE float are read; convert it, e.g. `ffmpeg -i IN -c:a pcm_s16le OUT.wav`)");
            }
        }
        else if (!floating && !pcm)
        {
            throw new AudioFormatException(path, $"unsupported WAV codec: {encoding} (only PCM and IEEE float are read; convert it, e.g. `ffmpeg -i IN -c:a pcm_s16le OUT.wav`)");
        }
        var bits = format.BitsPerSample;
        if (floating && bits is not (32 or 64))
        {
            throw new AudioFormatException(path, $"unsupported WAV sample size: {bits}-bit IEEE float (32 and 64 are read)");
        }
        if (pcm && bits is not (8 or 16 or 24 or 32))
        {
            throw new AudioFormatException(path, $"unsupported WAV sample size: {bits}-bit PCM (8, 16, 24 and 32 are read)");
        }
        return (floating, floating ? $"WAV float {bits}-bit" : $"WAV PCM {bits}-bit");
    }

    // NAudio's reader reports WAVE_FORMAT_EXTENSIBLE without its sub-format, so it is read from the 'fmt ' chunk here:
    // after the 16-byte WAVEFORMAT come cbSize (2), valid bits (2), channel mask (4) and the sub-format GUID (16).
    private static Guid ExtensibleSubFormat(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        stream.Position = 12;
        while (stream.Position + 8 <= stream.Length)
        {
            var id = reader.ReadBytes(4);
            var size = reader.ReadUInt32();
            if (id.AsSpan().SequenceEqual("fmt "u8))
            {
                if (size < 40)
                {
                    throw new AudioFormatException(path, $"broken WAV header: WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is {size} bytes, expected 40");
                }
                stream.Position += 24;
                return new Guid(reader.ReadBytes(16));
            }
            stream.Position += size + (size & 1);
        }
        throw new AudioFormatException(path, "broken WAV header: no 'fmt ' chunk");
    }

    private static double ReadSample(ReadOnlySpan<byte> s, int bits, bool floating) => (bits, floating) switch
    {
        (32, true) => BinaryPrimitives.ReadSingleLittleEndian(s),
        (64, true) => BinaryPrimitives.ReadDoubleLittleEndian(s),
        (8, false) => (s[0] - 128) / 128.0, // 8-bit WAV is unsigned
        (16, false) => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768.0,
        (24, false) => ((s[0] | (s[1] << 8) | (s[2] << 16)) << 8 >> 8) / 8388608.0,
        _ => BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648.0,
    };
}
