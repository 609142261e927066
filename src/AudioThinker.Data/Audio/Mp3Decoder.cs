using NLayer;

namespace AudioThinker.Data.Audio;

/// <summary>Decodes MPEG-1/2 layer I–III (MP3) through NLayer, mixing the channels down to mono.</summary>
public static class Mp3Decoder
{
    /// <summary>Whether the bytes start like an MP3 stream (an ID3v2 tag or an MPEG frame sync).</summary>
    public static bool Sniff(ReadOnlySpan<byte> head) =>
        head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0);

    /// <summary>Decodes an MP3 file.</summary>
    /// <exception cref="AudioFormatException">NLayer cannot parse the file or it holds no audio frames.</exception>
    public static AudioClip Decode(string path)
    {
        try
        {
            using var mpeg = new MpegFile(path);
            var channels = mpeg.Channels;
            var rate = mpeg.SampleRate;
            if (channels <= 0 || rate <= 0)
            {
                throw new AudioFormatException(path, $"MP3 stream declares {channels} channels at {rate} Hz");
            }
            var interleaved = new List<float>(1 << 16);
            var buffer = new float[8192 * channels];
            int n;
            while ((n = mpeg.ReadSamples(buffer, 0, buffer.Length)) > 0)
            {
                interleaved.AddRange(buffer.AsSpan(0, n));
            }
            var frames = interleaved.Count / channels;
            var mono = new float[frames];
            for (var i = 0; i < frames; i++)
            {
                float sum = 0;
                for (var c = 0; c < channels; c++)
                {
                    sum += interleaved[i * channels + c];
                }
                mono[i] = sum / channels;
            }
            return new AudioClip(mono, rate, channels, "MP3");
        }
        catch (AudioFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or IndexOutOfRangeException or NullReferenceException or InvalidOperationException)
        {
            throw new AudioFormatException(path, $"broken MP3 stream: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot read: {e.Message}", e);
        }
    }
}
