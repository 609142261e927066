using System.Collections.Concurrent;
using System.Numerics;

namespace AudioThinker.Data.Features;

/// <summary>
/// Log-mel spectrogram features computed as Hugging Face <c>WhisperFeatureExtractor</c> computes them (with
/// <c>padding="max_length"</c>, the default):
/// <list type="number">
/// <item>cut or zero-pad the waveform to the window (<see cref="WhisperFeatureOptions.ChunkSamples"/>);</item>
/// <item>centred STFT: reflect-pad n_fft/2 samples at both ends, periodic Hann window, hop 160, |X|²; drop the last frame;</item>
/// <item>Slaney mel filters, log10 of max(mel, 1e-10);</item>
/// <item>clamp at (the waveform's maximum − 8), then (x + 4) / 4;</item>
/// <item>frame mask: frame t is valid when t·hop is inside the waveform.</item>
/// </list>
/// The STFT and mel filters run in double precision, the logarithm in float (vectorised). Frames that read only
/// zeros are filled without a transform. Thread-safe.
/// </summary>
public sealed class WhisperFeatureExtractor
{
    private const float PowerFloor = 1e-10f;
    private readonly double[] _window;
    private readonly ConcurrentBag<Workspace> _workspaces = [];

    /// <summary>Creates an extractor; <paramref name="options"/> defaults to Whisper's (80 mel bins, 30 s).</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public WhisperFeatureExtractor(WhisperFeatureOptions? options = null)
    {
        Options = options ?? new WhisperFeatureOptions();
        Options.Validate();
        // Hugging Face fixes the filters to 0–8 kHz whatever the sample rate.
        Filters = new MelFilterBank(Options.MelBins, Options.FftSize / 2 + 1, Options.SampleRate, 0.0, 8000.0);
        _window = new double[Options.FftSize];
        for (var n = 0; n < _window.Length; n++)
        {
            // torch.hann_window(n_fft) is periodic: the denominator is N, not N − 1.
            _window[n] = 0.5 - 0.5 * Math.Cos(2.0 * Math.PI * n / Options.FftSize);
        }
    }

    /// <summary>The settings in use.</summary>
    public WhisperFeatureOptions Options { get; }

    /// <summary>The mel filters.</summary>
    public MelFilterBank Filters { get; }

    /// <summary>Frames per window.</summary>
    public int Frames => Options.Frames;

    /// <summary>Features of one waveform (mono, at <see cref="WhisperFeatureOptions.SampleRate"/>).</summary>
    /// <exception cref="ArgumentException">The waveform is empty or holds NaN or infinity (the message gives the index).</exception>
    public LogMelFeatures Extract(ReadOnlySpan<float> samples)
    {
        var values = new float[Options.MelBins * Frames];
        var valid = Extract(samples, values);
        return new LogMelFeatures(Options.MelBins, Frames, values, valid);
    }

    /// <summary>Features of a batch; rows are independent (each has its own maximum, as in Hugging Face).</summary>
    /// <param name="waveforms">The waveforms.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; 1 (the default) runs on the calling thread.</param>
    /// <exception cref="ArgumentException">A waveform is empty or holds NaN or infinity (the message gives the row and index).</exception>
    public LogMelBatch ExtractBatch(IReadOnlyList<float[]> waveforms, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(waveforms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDegreeOfParallelism);
        int rows = waveforms.Count, size = Options.MelBins * Frames;
        var values = new float[rows * size];
        var valid = new int[rows];
        void Row(int b)
        {
            try
            {
                valid[b] = Extract(waveforms[b], values.AsSpan(b * size, size));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"batch row {b}: {e.Message}", e);
            }
        }
        if (maxDegreeOfParallelism == 1 || rows < 2)
        {
            for (var b = 0; b < rows; b++)
            {
                Row(b);
            }
        }
        else
        {
            Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, Row);
        }
        var mask = new long[rows * Frames];
        for (var b = 0; b < rows; b++)
        {
            Array.Fill(mask, 1L, b * Frames, valid[b]);
        }
        return new LogMelBatch(rows, Options.MelBins, Frames, values, mask, valid);
    }

    /// <summary>
    /// Writes the features of one waveform into <paramref name="destination"/> ([mel bins, frames], row-major) and
    /// returns the number of valid frames.
    /// </summary>
    /// <exception cref="ArgumentException">The waveform is empty or holds NaN or infinity, or the destination is too small.</exception>
    public int Extract(ReadOnlySpan<float> samples, Span<float> destination)
    {
        int melBins = Options.MelBins, frames = Frames, nFft = Options.FftSize, hop = Options.HopLength;
        if (destination.Length < melBins * frames)
        {
            throw new ArgumentException($"destination holds {destination.Length} values; {melBins}×{frames} are needed", nameof(destination));
        }
        if (samples.IsEmpty)
        {
            throw new ArgumentException("waveform is empty", nameof(samples));
        }
        var n = Options.ChunkSamples;
        var used = Math.Min(samples.Length, n);
        for (var i = 0; i < used; i++)
        {
            if (!float.IsFinite(samples[i]))
            {
                throw new ArgumentException($"waveform sample {i} is {samples[i]}", nameof(samples));
            }
        }

        var ws = _workspaces.TryTake(out var w) ? w : new Workspace(Options);
        try
        {
            // The window signal (cut/zero-padded to n) with n_fft/2 samples reflected at each end, as torch.stft(center=True).
            var pad = nFft / 2;
            var padded = ws.Padded;
            Array.Clear(padded);
            for (var i = 0; i < used; i++)
            {
                padded[pad + i] = samples[i];
            }
            for (var i = 1; i <= pad; i++)
            {
                padded[pad - i] = padded[pad + i];
                padded[pad + n - 1 + i] = padded[pad + n - 1 - i];
            }
            int firstNonZero = padded.AsSpan().IndexOfAnyExcept(0f), lastNonZero = padded.AsSpan().LastIndexOfAnyExcept(0f);

            // First pass: mel power, floored at 1e-10, stored in the destination; the logarithm follows in one vectorised pass.
            var frame = ws.Frame;
            var power = ws.Power;
            var mel = ws.Mel;
            for (var t = 0; t < frames; t++)
            {
                var start = t * hop;
                if (firstNonZero < 0 || start + nFft - 1 < firstNonZero || start > lastNonZero)
                {
                    for (var m = 0; m < melBins; m++)
                    {
                        destination[m * frames + t] = PowerFloor;
                    }
                    continue;
                }
                for (var j = 0; j < nFft; j++)
                {
                    frame[j] = padded[start + j] * _window[j];
                }
                ws.Fft.PowerSpectrum(frame, power);
                Filters.Apply(power, mel);
                for (var m = 0; m < melBins; m++)
                {
                    destination[m * frames + t] = (float)Math.Max(mel[m], PowerFloor);
                }
            }
            var span = destination[..(melBins * frames)];
            var max = Log10InPlace(span);
            // Dynamic range: 8 decades (80 dB) below the loudest bin of this waveform, then scale to about [−1, 1].
            ClampAndScale(span, max - 8f);
            // Hugging Face subsamples the per-sample mask every hop: frame t is valid when t·hop < length.
            return Math.Min(frames, (used + hop - 1) / hop);
        }
        finally
        {
            _workspaces.Add(ws);
        }
    }

    // log10 of every value (float precision: about 1e-6 absolute, 100× inside the parity target); returns the maximum.
    private static float Log10InPlace(Span<float> values)
    {
        var width = Vector<float>.Count;
        var toLog10 = new Vector<float>((float)(1.0 / Math.Log(10.0)));
        var vmax = new Vector<float>(float.NegativeInfinity);
        var i = 0;
        for (; i <= values.Length - width; i += width)
        {
            var v = Vector.Log(new Vector<float>(values[i..])) * toLog10;
            vmax = Vector.Max(vmax, v);
            v.CopyTo(values[i..]);
        }
        var max = float.NegativeInfinity;
        for (var lane = 0; lane < width; lane++)
        {
            max = Math.Max(max, vmax[lane]);
        }
        for (; i < values.Length; i++)
        {
            values[i] = MathF.Log10(values[i]);
            max = Math.Max(max, values[i]);
        }
        return max;
    }

    // x → (max(x, floor) + 4) / 4
    private static void ClampAndScale(Span<float> values, float floor)
    {
        var width = Vector<float>.Count;
        var vfloor = new Vector<float>(floor);
        var four = new Vector<float>(4f);
        var quarter = new Vector<float>(0.25f);
        var i = 0;
        for (; i <= values.Length - width; i += width)
        {
            ((Vector.Max(new Vector<float>(values[i..]), vfloor) + four) * quarter).CopyTo(values[i..]);
        }
        for (; i < values.Length; i++)
        {
            values[i] = (Math.Max(values[i], floor) + 4f) / 4f;
        }
    }

    private sealed class Workspace(WhisperFeatureOptions options)
    {
        public readonly RealFft Fft = new(options.FftSize);
        public readonly float[] Padded = new float[options.ChunkSamples + 2 * (options.FftSize / 2)];
        public readonly double[] Frame = new double[options.FftSize];
        public readonly double[] Power = new double[options.FftSize / 2 + 1];
        public readonly double[] Mel = new double[options.MelBins];
    }
}
