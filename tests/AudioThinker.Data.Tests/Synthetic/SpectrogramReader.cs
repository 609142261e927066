using AudioThinker.Data.Features;
using AudioThinker.Data.Synthetic;

namespace AudioThinker.Data.Tests.Synthetic;

/// <summary>
/// A rule-based reader of synthetic clips that sees only their Whisper log-mel features: it segments frames by
/// power, calls a segment a beep when its power sits in the two tone bands (else a noise burst), reads the pitch from
/// which band holds more, and the loudness against a calibration beep. If the events were not trivially separable in
/// the spectrogram, these few lines would not recover every question's facts.
/// </summary>
internal sealed class SpectrogramReader
{
    private readonly SyntheticOptions _options;
    private readonly WhisperFeatureExtractor _extractor;
    private readonly int _lowBin;
    private readonly int _highBin;
    private readonly double _loudReference;

    public SpectrogramReader(SyntheticOptions options)
    {
        _options = options;
        _extractor = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = 80, ChunkSeconds = options.ClipSeconds, SampleRate = options.SampleRate });
        _lowBin = NearestBin(options.LowHz);
        _highBin = NearestBin(options.HighHz);
        // Calibration: the peak frame power of one loud high beep rendered by the same code.
        var calibration = new Scene([new SoundEvent(SoundKind.Beep, true, true, 0.5, 0.2)]);
        var (power, _) = Power(SceneRenderer.Render(calibration, options, new SeededRandom(0)));
        _loudReference = power.Max(p => p.Sum());
    }

    public Scene Read(float[] samples)
    {
        var (power, frames) = Power(samples);
        var total = power.Select(p => p.Sum()).ToArray();
        var threshold = _loudReference * Math.Pow(10, -3.5); // 35 dB below a loud beep, 10 dB above the noise floor
        var events = new List<SoundEvent>();
        var t = 0;
        while (t < frames)
        {
            if (total[t] <= threshold)
            {
                t++;
                continue;
            }
            var start = t;
            while (t < frames && total[t] > threshold)
            {
                t++;
            }
            var spectrum = new double[power[0].Length];
            for (var f = start; f < t; f++)
            {
                for (var m = 0; m < spectrum.Length; m++)
                {
                    spectrum[m] += power[f][m];
                }
            }
            double Band(int bin) => Enumerable.Range(bin - 2, 5).Where(m => m >= 0 && m < spectrum.Length).Sum(m => spectrum[m]);
            var low = Band(_lowBin);
            var high = Band(_highBin);
            var tonal = (low + high) / spectrum.Sum() > 0.8;
            var peak = Enumerable.Range(start, t - start).Max(f => total[f]);
            events.Add(new SoundEvent(tonal ? SoundKind.Beep : SoundKind.Noise, tonal && high > low, peak > _loudReference / 10, start / 100.0, (t - start) / 100.0));
        }
        return new Scene(events);
    }

    // Mel power per frame (undoing log10 and the (x + 4) / 4 scaling).
    private (double[][] Power, int Frames) Power(float[] samples)
    {
        var f = _extractor.Extract(samples);
        var power = new double[f.Frames][];
        for (var t = 0; t < f.Frames; t++)
        {
            power[t] = new double[f.MelBins];
            for (var m = 0; m < f.MelBins; m++)
            {
                power[t][m] = Math.Pow(10, 4 * f[m, t] - 4);
            }
        }
        return (power, f.ValidFrames);
    }

    private int NearestBin(double hz)
    {
        // Filter m peaks at the (m+1)-th of n+2 points evenly spaced in mel between 0 and 8 kHz.
        var mel = MelFilterBank.HzToMel(hz);
        var step = MelFilterBank.HzToMel(8000) / (80 + 1);
        return (int)Math.Round(mel / step) - 1;
    }
}
