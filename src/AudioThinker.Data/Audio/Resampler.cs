using System.Collections.Concurrent;
using System.Numerics;

namespace AudioThinker.Data.Audio;

/// <summary>
/// Band-limited sample-rate conversion by a polyphase windowed-sinc filter. The rate ratio is reduced to L/M; output
/// sample i sits at input position i·M/L, and each of the L fractional positions has its own precomputed taps of a
/// Kaiser-windowed sinc whose cut-off is <see cref="Rolloff"/> × the lower of the two Nyquist rates (so downsampling
/// removes what the new rate cannot hold instead of folding it back). Each phase's taps sum to 1 (unit DC gain).
/// Samples outside the input count as zero. Instances are immutable and thread-safe.
/// </summary>
public sealed class Resampler
{
    /// <summary>Cut-off as a fraction of the lower Nyquist rate.</summary>
    public const double Rolloff = 0.945;

    /// <summary>Zero crossings of the sinc on each side of the centre (at the cut-off's scale).</summary>
    public const int ZeroCrossings = 24;

    /// <summary>Kaiser window β: about 90 dB of side-lobe attenuation.</summary>
    public const double KaiserBeta = 9.0;

    private static readonly ConcurrentDictionary<(int, int), Resampler> Cache = new();
    private readonly int _up;
    private readonly int _down;
    private readonly int _halfTaps;
    private readonly float[] _taps; // [phase, 2·halfTaps]

    /// <summary>Plans a conversion from <paramref name="fromRate"/> to <paramref name="toRate"/> Hz.</summary>
    public Resampler(int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fromRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(toRate);
        FromRate = fromRate;
        ToRate = toRate;
        var g = Gcd(fromRate, toRate);
        _up = toRate / g;
        _down = fromRate / g;
        // Cut-off in cycles per input sample (0.5 = the input's Nyquist rate).
        var cutoff = 0.5 * Rolloff * Math.Min(1.0, (double)toRate / fromRate);
        _halfTaps = (int)Math.Ceiling(ZeroCrossings / (2.0 * cutoff));
        var width = 2 * _halfTaps;
        _taps = new float[_up * width];
        var i0Beta = BesselI0(KaiserBeta);
        for (var phase = 0; phase < _up; phase++)
        {
            var frac = (double)phase / _up;
            var row = new double[width];
            double sum = 0;
            for (var j = 0; j < width; j++)
            {
                // Tap j multiplies input n0 − halfTaps + 1 + j; its distance from the output position n0 + frac:
                var t = j - _halfTaps + 1 - frac;
                var x = t / _halfTaps;
                var window = Math.Abs(x) >= 1 ? 0.0 : BesselI0(KaiserBeta * Math.Sqrt(1 - x * x)) / i0Beta;
                var arg = 2 * cutoff * t;
                var sinc = Math.Abs(arg) < 1e-12 ? 1.0 : Math.Sin(Math.PI * arg) / (Math.PI * arg);
                row[j] = 2 * cutoff * sinc * window;
                sum += row[j];
            }
            for (var j = 0; j < width; j++)
            {
                _taps[phase * width + j] = (float)(row[j] / sum);
            }
        }
    }

    /// <summary>The input rate in Hz.</summary>
    public int FromRate { get; }

    /// <summary>The output rate in Hz.</summary>
    public int ToRate { get; }

    /// <summary>Converts <paramref name="input"/> between two rates (a cached plan per pair; the same rate returns a copy).</summary>
    public static float[] Convert(ReadOnlySpan<float> input, int fromRate, int toRate)
    {
        if (fromRate == toRate)
        {
            return input.ToArray();
        }
        return Cache.GetOrAdd((fromRate, toRate), k => new Resampler(k.Item1, k.Item2)).Process(input);
    }

    /// <summary>Number of output samples for <paramref name="inputLength"/> input samples: ⌈n·L/M⌉.</summary>
    public long OutputLength(long inputLength) => (inputLength * _up + _down - 1) / _down;

    /// <summary>Resamples a whole signal.</summary>
    public float[] Process(ReadOnlySpan<float> input)
    {
        var output = new float[OutputLength(input.Length)];
        var width = 2 * _halfTaps;
        for (long i = 0; i < output.Length; i++)
        {
            var position = i * _down;
            var n0 = position / _up;
            var phase = (int)(position % _up);
            var taps = _taps.AsSpan(phase * width, width);
            var first = n0 - _halfTaps + 1;
            double acc = 0;
            if (first >= 0 && first + width <= input.Length)
            {
                acc = Dot(taps, input.Slice((int)first, width));
            }
            else
            {
                for (var j = 0; j < width; j++)
                {
                    var k = first + j;
                    if (k >= 0 && k < input.Length)
                    {
                        acc += taps[j] * input[(int)k];
                    }
                }
            }
            output[i] = (float)acc;
        }
        return output;
    }

    // Σ a[j]·b[j], vectorised (float lanes: rounding stays near 1e-7 of the signal, far below 16-bit audio).
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var width = Vector<float>.Count;
        var acc = Vector<float>.Zero;
        var j = 0;
        for (; j <= a.Length - width; j += width)
        {
            acc += new Vector<float>(a[j..]) * new Vector<float>(b[j..]);
        }
        var sum = Vector.Sum(acc);
        for (; j < a.Length; j++)
        {
            sum += a[j] * b[j];
        }
        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }

    // Modified Bessel function of the first kind, order 0, by its power series (converges fast for β ≤ 20).
    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (var k = 1; k < 64; k++)
        {
            term *= half / k;
            var t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-17)
            {
                break;
            }
        }
        return sum;
    }
}
