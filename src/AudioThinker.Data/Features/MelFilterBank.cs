namespace AudioThinker.Data.Features;

/// <summary>
/// Triangular mel filters on the Slaney mel scale with Slaney area normalisation (librosa's default, and what
/// Hugging Face's <c>mel_filter_bank(norm="slaney", mel_scale="slaney")</c> builds for Whisper). Stored sparsely:
/// each filter is non-zero on a short run of FFT bins.
/// </summary>
public sealed class MelFilterBank
{
    private const double LinearStepHz = 200.0 / 3.0; // Slaney: linear below 1 kHz, 3 mels per 200 Hz
    private const double LogStartHz = 1000.0;
    private const double LogStartMel = LogStartHz / LinearStepHz; // 15
    private static readonly double LogStep = Math.Log(6.4) / 27.0; // 27 mels per factor 6.4 above 1 kHz

    private readonly int[] _start;
    private readonly double[][] _weights;

    /// <summary>Builds <paramref name="melBins"/> filters over <paramref name="frequencyBins"/> FFT bins (0 to the Nyquist rate) spanning [<paramref name="minHz"/>, <paramref name="maxHz"/>].</summary>
    public MelFilterBank(int melBins, int frequencyBins, int sampleRate, double minHz = 0.0, double? maxHz = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(melBins);
        ArgumentOutOfRangeException.ThrowIfLessThan(frequencyBins, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        var top = maxHz ?? sampleRate / 2.0;
        if (minHz < 0 || top <= minHz)
        {
            throw new ArgumentOutOfRangeException(nameof(maxHz), $"mel range [{minHz}, {top}] Hz is empty");
        }
        MelBins = melBins;
        FrequencyBins = frequencyBins;
        var fftHz = new double[frequencyBins];
        for (var k = 0; k < frequencyBins; k++)
        {
            fftHz[k] = sampleRate / 2.0 * k / (frequencyBins - 1);
        }
        double melLow = HzToMel(minHz), melHigh = HzToMel(top);
        var edges = new double[melBins + 2];
        for (var i = 0; i < edges.Length; i++)
        {
            edges[i] = MelToHz(melLow + (melHigh - melLow) * i / (melBins + 1));
        }
        _start = new int[melBins];
        _weights = new double[melBins][];
        for (var m = 0; m < melBins; m++)
        {
            var norm = 2.0 / (edges[m + 2] - edges[m]);
            var dense = new double[frequencyBins];
            int first = -1, last = -1;
            for (var k = 0; k < frequencyBins; k++)
            {
                var down = (fftHz[k] - edges[m]) / (edges[m + 1] - edges[m]);
                var up = (edges[m + 2] - fftHz[k]) / (edges[m + 2] - edges[m + 1]);
                var w = Math.Max(0.0, Math.Min(down, up)) * norm;
                dense[k] = w;
                if (w > 0)
                {
                    if (first < 0)
                    {
                        first = k;
                    }
                    last = k;
                }
            }
            // A filter narrower than one bin is all zero (Hugging Face warns about it); keep it empty.
            _start[m] = Math.Max(first, 0);
            _weights[m] = first < 0 ? [] : dense[first..(last + 1)];
        }
    }

    /// <summary>Number of filters.</summary>
    public int MelBins { get; }

    /// <summary>Number of FFT bins each filter spans (N/2 + 1).</summary>
    public int FrequencyBins { get; }

    /// <summary>Slaney mel of a frequency in Hz.</summary>
    public static double HzToMel(double hz) =>
        hz < LogStartHz ? hz / LinearStepHz : LogStartMel + Math.Log(hz / LogStartHz) / LogStep;

    /// <summary>Frequency in Hz of a Slaney mel.</summary>
    public static double MelToHz(double mel) =>
        mel < LogStartMel ? mel * LinearStepHz : LogStartHz * Math.Exp(LogStep * (mel - LogStartMel));

    /// <summary>The weight of FFT bin <paramref name="bin"/> in filter <paramref name="mel"/>.</summary>
    public double Weight(int mel, int bin)
    {
        var offset = bin - _start[mel];
        return offset >= 0 && offset < _weights[mel].Length ? _weights[mel][offset] : 0.0;
    }

    /// <summary>Applies every filter to one power spectrum: <c>mel[m] = Σ_k W[m,k]·power[k]</c>.</summary>
    public void Apply(ReadOnlySpan<double> power, Span<double> mel)
    {
        for (var m = 0; m < MelBins; m++)
        {
            var w = _weights[m];
            var p = power.Slice(_start[m], w.Length);
            double sum = 0;
            for (var k = 0; k < w.Length; k++)
            {
                sum += w[k] * p[k];
            }
            mel[m] = sum;
        }
    }
}
