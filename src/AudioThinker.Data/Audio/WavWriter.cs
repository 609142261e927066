using System.Buffers.Binary;

namespace AudioThinker.Data.Audio;

/// <summary>Writes mono 16-bit PCM WAV files with the canonical 44-byte header: the same samples give the same bytes.</summary>
public static class WavWriter
{
    /// <summary>The 16-bit code of a sample: round(x·32768) clamped to the int16 range, the inverse of reading code/32768.</summary>
    public static short Code16(float sample) => (short)Math.Clamp(Math.Round(sample * 32768.0), -32768.0, 32767.0);

    /// <summary>A sample rounded to the nearest 16-bit level, exactly as it reads back from a file written here.</summary>
    public static float Quantize16(float sample) => Code16(sample) / 32768f;

    /// <summary>The file's bytes for <paramref name="samples"/> (rounded to 16-bit codes, see <see cref="Code16"/>).</summary>
    public static byte[] Pcm16(ReadOnlySpan<float> samples, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        var dataBytes = samples.Length * 2;
        var bytes = new byte[44 + dataBytes];
        var s = bytes.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16); // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], sampleRate * 2); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], 2); // block align
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 16); // bits per sample
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], dataBytes);
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(s[(44 + 2 * i)..], Code16(samples[i]));
        }
        return bytes;
    }

    /// <summary>Writes a mono 16-bit PCM WAV file.</summary>
    public static void WritePcm16(string path, ReadOnlySpan<float> samples, int sampleRate) =>
        File.WriteAllBytes(path, Pcm16(samples, sampleRate));
}
