using AudioThinker.Data.Audio;
using NAudio.Wave;

namespace AudioThinker.Data.Tests.Audio;

/// <summary>WAV files written by NAudio's own writer in every supported layout, read back through the loader.</summary>
public class WavDecoderTests
{
    private static double Signal(int channel, int i) => 0.6 * Math.Sin(2 * Math.PI * (300 + 100 * channel) * i / 8000.0) * (channel % 2 == 0 ? 1 : -0.5);

    private static string Write(string dir, string name, WaveFormat format, int frames, Func<int, int, double> signal)
    {
        var path = Path.Combine(dir, name);
        using var writer = new WaveFileWriter(path, format);
        var bytesPerSample = format.BitsPerSample / 8;
        var floating = format.Encoding == WaveFormatEncoding.IeeeFloat || (format is WaveFormatExtensible e && e.SubFormat == AudioMediaSubtypes.MEDIASUBTYPE_IEEE_FLOAT);
        var buffer = new byte[bytesPerSample];
        for (var i = 0; i < frames; i++)
        {
            for (var c = 0; c < format.Channels; c++)
            {
                var v = signal(c, i);
                switch (bytesPerSample, floating)
                {
                    case (4, true):
                        BitConverter.TryWriteBytes(buffer, (float)v);
                        break;
                    case (8, true):
                        BitConverter.TryWriteBytes(buffer, v);
                        break;
                    case (1, false):
                        buffer[0] = (byte)Math.Round(v * 127 + 128);
                        break;
                    case (2, false):
                        BitConverter.TryWriteBytes(buffer, (short)Math.Round(v * 32767));
                        break;
                    case (3, false):
                        var s24 = (int)Math.Round(v * 8388607);
                        buffer[0] = (byte)s24;
                        buffer[1] = (byte)(s24 >> 8);
                        buffer[2] = (byte)(s24 >> 16);
                        break;
                    default:
                        BitConverter.TryWriteBytes(buffer, (int)Math.Round(v * 2147483647));
                        break;
                }
                writer.Write(buffer, 0, buffer.Length);
            }
        }
        return path;
    }

    public static TheoryData<string, int, int, bool, bool, double> Layouts() => new()
    {
        // name, bits, channels, float, extensible, tolerance (quantisation step)
        { "pcm8", 8, 1, false, false, 1.0 / 100 },
        { "pcm16", 16, 2, false, false, 1.0 / 30000 },
        { "pcm24", 24, 1, false, false, 1e-6 },
        { "pcm24ext", 24, 6, false, true, 1e-6 },
        { "pcm32ext", 32, 2, false, true, 1e-7 },
        { "float32", 32, 3, true, false, 1e-7 },
        { "float64", 64, 2, true, false, 1e-7 },
        { "float32ext", 32, 8, true, true, 1e-7 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryLayoutIsDecodedAndMixedToMono(string name, int bits, int channels, bool floating, bool extensible, double tolerance)
    {
        var dir = Fixture.TempDir("wav");
        WaveFormat format = extensible
            ? new WaveFormatExtensible(8000, bits, channels, floating, bits, 0)
            : floating ? WaveFormat.CreateIeeeFloatWaveFormat(8000, channels) : new WaveFormat(8000, bits, channels);
        if (floating && !extensible && bits == 64)
        {
            format = WaveFormat.CreateCustomFormat(WaveFormatEncoding.IeeeFloat, 8000, channels, 8000 * channels * 8, channels * 8, 64);
        }
        var path = Write(dir, name + ".wav", format, 800, Signal);
        var clip = new AudioLoader().Decode(path);
        Assert.Equal(8000, clip.SampleRate);
        Assert.Equal(channels, clip.Channels);
        Assert.Equal(800, clip.Samples.Length);
        Assert.StartsWith(floating ? "WAV float" : "WAV PCM", clip.Format);
        for (var i = 0; i < 800; i++)
        {
            var expected = Enumerable.Range(0, channels).Average(c => Signal(c, i));
            Assert.True(Math.Abs(clip.Samples[i] - expected) <= tolerance, $"{name} sample {i}: {clip.Samples[i]} vs {expected}");
        }
    }

    [Fact]
    public void LoaderResamplesTo16kHz()
    {
        var dir = Fixture.TempDir("wav");
        var path = Write(dir, "8k.wav", new WaveFormat(8000, 16, 1), 8000, (_, i) => 0.5 * Math.Sin(2 * Math.PI * 500 * i / 8000.0));
        var samples = new AudioLoader().Load(path);
        Assert.Equal(16000, samples.Length);
        // Away from the edges the 500 Hz sine is reproduced on the 16 kHz grid.
        for (var i = 1000; i < 15000; i += 37)
        {
            Assert.True(Math.Abs(samples[i] - 0.5 * Math.Sin(2 * Math.PI * 500 * i / 16000.0)) < 2e-3, $"sample {i}");
        }
    }

    [Fact]
    public void SoxExtensibleFixtureIsRead()
    {
        // mono24.wav was written by sox (WAVE_FORMAT_EXTENSIBLE with a 'fact' chunk), see Fixtures/README.md.
        var clip = new AudioLoader().Decode(Fixture.Path("mono24.wav"));
        Assert.Equal(22050, clip.SampleRate);
        Assert.Equal(5512, clip.Samples.Length); // soxi: 5512 samples
        Assert.Equal("WAV PCM 24-bit", clip.Format);
        Assert.InRange(clip.Samples.Max(), 0.7, 0.81);
    }
}
