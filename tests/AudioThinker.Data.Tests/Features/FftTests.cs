using AudioThinker.Data.Features;

namespace AudioThinker.Data.Tests.Features;

public class FftTests
{
    // The definition, O(N²): what every fast path must agree with.
    private static (double[] Re, double[] Im) NaiveDft(double[] re, double[] im)
    {
        var n = re.Length;
        var outRe = new double[n];
        var outIm = new double[n];
        for (var k = 0; k < n; k++)
        {
            for (var j = 0; j < n; j++)
            {
                var a = -2 * Math.PI * ((long)j * k % n) / n;
                outRe[k] += re[j] * Math.Cos(a) - im[j] * Math.Sin(a);
                outIm[k] += re[j] * Math.Sin(a) + im[j] * Math.Cos(a);
            }
        }
        return (outRe, outIm);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(49)]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(2 * 3 * 5 * 7 * 11)]
    public void ComplexFftMatchesTheDefinition(int n)
    {
        var rng = new Random(n);
        var re = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var im = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var (expRe, expIm) = NaiveDft(re, im);
        var outRe = new double[n];
        var outIm = new double[n];
        new ComplexFft(n).Forward(re, im, outRe, outIm);
        for (var k = 0; k < n; k++)
        {
            Assert.True(Math.Abs(outRe[k] - expRe[k]) < 1e-9 * n, $"n={n} k={k} re {outRe[k]} vs {expRe[k]}");
            Assert.True(Math.Abs(outIm[k] - expIm[k]) < 1e-9 * n, $"n={n} k={k} im {outIm[k]} vs {expIm[k]}");
        }
    }

    [Fact]
    public void FactorsCoverTheLength()
    {
        Assert.Equal([4, 2, 5, 5], new ComplexFft(200).Factors);
        Assert.Equal([4, 4, 3, 7], new ComplexFft(336).Factors);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(64)]
    [InlineData(6)]
    [InlineData(9)]
    [InlineData(2)]
    public void RealPowerSpectrumMatchesTheDefinition(int n)
    {
        var rng = new Random(7 * n);
        var x = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var (re, im) = NaiveDft(x, new double[n]);
        var fft = new RealFft(n);
        var power = new double[fft.Bins];
        fft.PowerSpectrum(x, power);
        Assert.Equal(n / 2 + 1, fft.Bins);
        for (var k = 0; k < fft.Bins; k++)
        {
            var expected = re[k] * re[k] + im[k] * im[k];
            Assert.True(Math.Abs(power[k] - expected) < 1e-9 * n * n, $"n={n} k={k}: {power[k]} vs {expected}");
        }
    }

    [Fact]
    public void PureToneLandsInItsBin()
    {
        const int n = 400;
        var x = Enumerable.Range(0, n).Select(j => Math.Cos(2 * Math.PI * 25 * j / n)).ToArray();
        var power = new double[n / 2 + 1];
        new RealFft(n).PowerSpectrum(x, power);
        // A cosine of amplitude 1 on bin 25 has |X| = N/2 there and nothing elsewhere.
        Assert.Equal(n * n / 4.0, power[25], 6);
        Assert.True(power.Where((_, k) => k != 25).All(p => p < 1e-12));
    }
}
