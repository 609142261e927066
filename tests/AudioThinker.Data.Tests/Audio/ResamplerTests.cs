using AudioThinker.Data.Audio;

namespace AudioThinker.Data.Tests.Audio;

public class ResamplerTests
{
    private static float[] Tone(double hz, int rate, double seconds, double amplitude = 0.5) =>
        Enumerable.Range(0, (int)(rate * seconds)).Select(i => (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();

    private static double Rms(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x)
        {
            s += v * v;
        }
        return Math.Sqrt(s / x.Length);
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(48000, 16000)]
    [InlineData(22050, 16000)]
    [InlineData(8000, 16000)]
    [InlineData(16000, 44100)]
    [InlineData(32000, 16000)]
    public void PassbandToneIsPreserved(int from, int to)
    {
        var output = Resampler.Convert(Tone(1000, from, 0.5), from, to);
        Assert.Equal((long)Math.Ceiling(from * 0.5 * to / from), output.Length);
        var maxError = 0.0;
        for (var i = 400; i < output.Length - 400; i++)
        {
            maxError = Math.Max(maxError, Math.Abs(output[i] - 0.5 * Math.Sin(2 * Math.PI * 1000.0 * i / to)));
        }
        Assert.True(maxError < 1e-3, $"{from}→{to}: max error {maxError:E2}");
    }

    [Theory]
    [InlineData(44100, 9000)]
    [InlineData(48000, 12000)]
    [InlineData(44100, 20000)]
    public void ToneAboveTheNewNyquistRateIsRemoved(int from, double hz)
    {
        // Naive decimation would fold these tones back below 8 kHz at full strength.
        var output = Resampler.Convert(Tone(hz, from, 0.5), from, 16000);
        var rms = Rms(output.AsSpan(400, output.Length - 800));
        Assert.True(rms < 0.5 / Math.Sqrt(2) * 1e-3, $"{hz} Hz leaks at rms {rms:E2} (more than −60 dB)");
    }

    [Fact]
    public void DcIsKeptAtUnitGain()
    {
        var output = Resampler.Convert(Enumerable.Repeat(0.25f, 4410).ToArray(), 44100, 16000);
        for (var i = 100; i < output.Length - 100; i++)
        {
            Assert.Equal(0.25, output[i], 5);
        }
    }

    [Fact]
    public void SameRateIsACopy()
    {
        var input = Tone(440, 16000, 0.01);
        var output = Resampler.Convert(input, 16000, 16000);
        Assert.Equal(input, output);
        Assert.NotSame(input, output);
    }
}
