namespace AudioThinker.Data.Features;

/// <summary>
/// Forward discrete Fourier transform of any length, X[k] = Σ x[n]·exp(−2πi·nk/N), in double precision:
/// a mixed-radix decimation in time (Cooley–Tukey) with radix-4, 2 and 5 butterflies and a direct DFT step for other
/// factors. A plan (factors, twiddles) is built once per length; <see cref="Forward"/> allocates nothing, and one
/// instance may be used from one thread at a time only.
/// </summary>
public sealed class ComplexFft
{
    private readonly int[] _factors;
    private readonly int[] _permutation; // output slot → input index (mixed-radix digit reversal)
    private readonly Stage[] _stages;    // innermost first
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly double[] _scratchRe;
    private readonly double[] _scratchIm;

    // One pass of radix P butterflies over blocks of P·M points; Cos/Sin[(q−1)·M + k] = w^(q·k) for the block size.
    private sealed record Stage(int P, int M, int Stride, double[] Cos, double[] Sin);

    /// <summary>Plans a transform of <paramref name="length"/> points.</summary>
    public ComplexFft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        _factors = Factorize(length);
        _cos = new double[length];
        _sin = new double[length];
        for (var k = 0; k < length; k++)
        {
            // Twiddles w_N^k = exp(−2πik/N), computed directly (not by recurrence) to keep full precision.
            var angle = -2.0 * Math.PI * k / length;
            _cos[k] = Math.Cos(angle);
            _sin[k] = Math.Sin(angle);
        }
        _permutation = new int[length];
        Permute(0, 1, 0, length, 0);
        var stages = new List<Stage>();
        var m = 1;
        for (var f = _factors.Length - 1; f >= 0; f--)
        {
            var p = _factors[f];
            var stride = length / (p * m);
            var c = new double[(p - 1) * m];
            var sn = new double[(p - 1) * m];
            for (var q = 1; q < p; q++)
            {
                for (var k = 0; k < m; k++)
                {
                    var w = q * k * stride;
                    c[(q - 1) * m + k] = _cos[w];
                    sn[(q - 1) * m + k] = _sin[w];
                }
            }
            stages.Add(new Stage(p, m, stride, c, sn));
            m *= p;
        }
        _stages = [.. stages];
        var maxFactor = _factors.Length == 0 ? 1 : _factors.Max();
        _scratchRe = new double[maxFactor];
        _scratchIm = new double[maxFactor];
    }

    /// <summary>The number of points, N.</summary>
    public int Length { get; }

    /// <summary>The radices the length was split into, outermost first.</summary>
    public IReadOnlyList<int> Factors => _factors;

    /// <summary>Transforms <paramref name="inRe"/> + i·<paramref name="inIm"/> into <paramref name="outRe"/> + i·<paramref name="outIm"/> (all of <see cref="Length"/>; out of place).</summary>
    public void Forward(ReadOnlySpan<double> inRe, ReadOnlySpan<double> inIm, Span<double> outRe, Span<double> outIm)
    {
        if (inRe.Length < Length || inIm.Length < Length || outRe.Length < Length || outIm.Length < Length)
        {
            throw new ArgumentException($"every span must hold at least {Length} values");
        }
        var perm = _permutation;
        for (var i = 0; i < perm.Length; i++)
        {
            outRe[i] = inRe[perm[i]];
            outIm[i] = inIm[perm[i]];
        }
        var re = outRe[..Length];
        var im = outIm[..Length];
        foreach (var stage in _stages)
        {
            var block = stage.P * stage.M;
            for (var offset = 0; offset < Length; offset += block)
            {
                var bre = re.Slice(offset, block);
                var bim = im.Slice(offset, block);
                switch (stage.P)
                {
                    case 2:
                        Radix2(bre, bim, stage);
                        break;
                    case 4:
                        Radix4(bre, bim, stage);
                        break;
                    case 5:
                        Radix5(bre, bim, stage);
                        break;
                    default:
                        RadixGeneric(bre, bim, stage);
                        break;
                }
            }
        }
    }
    // Radix 4 first (fewest multiplications), then 2, then odd primes in increasing order.
    private static int[] Factorize(int n)
    {
        var factors = new List<int>();
        while (n % 4 == 0)
        {
            factors.Add(4);
            n /= 4;
        }
        while (n % 2 == 0)
        {
            factors.Add(2);
            n /= 2;
        }
        for (var p = 3; p * p <= n; p += 2)
        {
            while (n % p == 0)
            {
                factors.Add(p);
                n /= p;
            }
        }
        if (n > 1)
        {
            factors.Add(n);
        }
        return [.. factors];
    }

    // Where each input lands before the butterflies: the leaf order of the recursive decimation in time, in which an
    // n-point transform of in[offset + j·stride] splits into p interleaved (n/p)-point transforms placed side by side.
    private void Permute(int inOffset, int stride, int outOffset, int n, int factorIndex)
    {
        if (n == 1)
        {
            _permutation[outOffset] = inOffset;
            return;
        }
        var p = _factors[factorIndex];
        var m = n / p;
        for (var j = 0; j < p; j++)
        {
            Permute(inOffset + j * stride, stride * p, outOffset + j * m, m, factorIndex + 1);
        }
    }

    private static void Radix2(Span<double> re, Span<double> im, Stage stage)
    {
        int m = stage.M;
        var c = stage.Cos;
        var s = stage.Sin;
        for (var k = 0; k < m; k++)
        {
            var br = re[k + m] * c[k] - im[k + m] * s[k];
            var bi = re[k + m] * s[k] + im[k + m] * c[k];
            var ar = re[k];
            var ai = im[k];
            re[k] = ar + br;
            im[k] = ai + bi;
            re[k + m] = ar - br;
            im[k + m] = ai - bi;
        }
    }

    private static void Radix4(Span<double> re, Span<double> im, Stage stage)
    {
        int m = stage.M;
        var c = stage.Cos;
        var s = stage.Sin;
        for (var k = 0; k < m; k++)
        {
            int w1 = k, w2 = m + k, w3 = 2 * m + k;
            var y0r = re[k];
            var y0i = im[k];
            var y1r = re[k + m] * c[w1] - im[k + m] * s[w1];
            var y1i = re[k + m] * s[w1] + im[k + m] * c[w1];
            var y2r = re[k + 2 * m] * c[w2] - im[k + 2 * m] * s[w2];
            var y2i = re[k + 2 * m] * s[w2] + im[k + 2 * m] * c[w2];
            var y3r = re[k + 3 * m] * c[w3] - im[k + 3 * m] * s[w3];
            var y3i = re[k + 3 * m] * s[w3] + im[k + 3 * m] * c[w3];
            double t0r = y0r + y2r, t0i = y0i + y2i;
            double t1r = y0r - y2r, t1i = y0i - y2i;
            double t2r = y1r + y3r, t2i = y1i + y3i;
            // (y1 − y3)·(−i)
            double t3r = y1i - y3i, t3i = y3r - y1r;
            re[k] = t0r + t2r;
            im[k] = t0i + t2i;
            re[k + m] = t1r + t3r;
            im[k + m] = t1i + t3i;
            re[k + 2 * m] = t0r - t2r;
            im[k + 2 * m] = t0i - t2i;
            re[k + 3 * m] = t1r - t3r;
            im[k + 3 * m] = t1i - t3i;
        }
    }

    private static readonly double C1 = Math.Cos(2 * Math.PI / 5);
    private static readonly double C2 = Math.Cos(4 * Math.PI / 5);
    private static readonly double S1 = Math.Sin(2 * Math.PI / 5);
    private static readonly double S2 = Math.Sin(4 * Math.PI / 5);

    private static void Radix5(Span<double> re, Span<double> im, Stage stage)
    {
        int m = stage.M;
        var c = stage.Cos;
        var s = stage.Sin;
        for (var k = 0; k < m; k++)
        {
            int w1 = k, w2 = m + k, w3 = 2 * m + k, w4 = 3 * m + k;
            var y0r = re[k];
            var y0i = im[k];
            var y1r = re[k + m] * c[w1] - im[k + m] * s[w1];
            var y1i = re[k + m] * s[w1] + im[k + m] * c[w1];
            var y2r = re[k + 2 * m] * c[w2] - im[k + 2 * m] * s[w2];
            var y2i = re[k + 2 * m] * s[w2] + im[k + 2 * m] * c[w2];
            var y3r = re[k + 3 * m] * c[w3] - im[k + 3 * m] * s[w3];
            var y3i = re[k + 3 * m] * s[w3] + im[k + 3 * m] * c[w3];
            var y4r = re[k + 4 * m] * c[w4] - im[k + 4 * m] * s[w4];
            var y4i = re[k + 4 * m] * s[w4] + im[k + 4 * m] * c[w4];
            // Symmetric pairs (1,4) and (2,3): X_s = y0 + Σ cos terms on the sums − i·Σ sin terms on the differences.
            double a1r = y1r + y4r, a1i = y1i + y4i, b1r = y1r - y4r, b1i = y1i - y4i;
            double a2r = y2r + y3r, a2i = y2i + y3i, b2r = y2r - y3r, b2i = y2i - y3i;
            var c1r = y0r + C1 * a1r + C2 * a2r;
            var c1i = y0i + C1 * a1i + C2 * a2i;
            var c2r = y0r + C2 * a1r + C1 * a2r;
            var c2i = y0i + C2 * a1i + C1 * a2i;
            // −i·(S1·b1 + S2·b2) and −i·(S2·b1 − S1·b2)
            var d1r = S1 * b1i + S2 * b2i;
            var d1i = -(S1 * b1r + S2 * b2r);
            var d2r = S2 * b1i - S1 * b2i;
            var d2i = -(S2 * b1r - S1 * b2r);
            re[k] = y0r + a1r + a2r;
            im[k] = y0i + a1i + a2i;
            re[k + m] = c1r + d1r;
            im[k + m] = c1i + d1i;
            re[k + 4 * m] = c1r - d1r;
            im[k + 4 * m] = c1i - d1i;
            re[k + 2 * m] = c2r + d2r;
            im[k + 2 * m] = c2i + d2i;
            re[k + 3 * m] = c2r - d2r;
            im[k + 3 * m] = c2i - d2i;
        }
    }

    private void RadixGeneric(Span<double> re, Span<double> im, Stage stage)
    {
        int m = stage.M, p = stage.P;
        var yr = _scratchRe.AsSpan(0, p);
        var yi = _scratchIm.AsSpan(0, p);
        var rootStep = m * stage.Stride; // w_p = w_N^(N/p)
        for (var k = 0; k < m; k++)
        {
            yr[0] = re[k];
            yi[0] = im[k];
            for (var q = 1; q < p; q++)
            {
                var w = (q - 1) * m + k;
                yr[q] = re[k + q * m] * stage.Cos[w] - im[k + q * m] * stage.Sin[w];
                yi[q] = re[k + q * m] * stage.Sin[w] + im[k + q * m] * stage.Cos[w];
            }
            for (var s = 0; s < p; s++)
            {
                double sr = 0, si = 0;
                for (var q = 0; q < p; q++)
                {
                    var w = (int)((long)q * s % p * rootStep);
                    sr += yr[q] * _cos[w] - yi[q] * _sin[w];
                    si += yr[q] * _sin[w] + yi[q] * _cos[w];
                }
                re[k + s * m] = sr;
                im[k + s * m] = si;
            }
        }
    }
}
