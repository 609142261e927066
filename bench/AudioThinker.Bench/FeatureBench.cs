using System.Diagnostics;
using System.Globalization;
using AudioThinker.Data.Audio;
using AudioThinker.Data.Features;
using AudioThinker.Data.IO;
using AudioThinker.Data.Synthetic;

namespace AudioThinker.Bench;

/// <summary>
/// Whisper log-mel feature throughput on one core, as a multiple of real time (goal: 30 s of audio in under 30 ms,
/// ≥ 1000×), for 80 and 128 mel bins, a full 30 s window and a 3 s window (the synthetic clips); plus the resampler
/// (44.1 kHz → 16 kHz), the synthetic clip generator, and the parity with the Hugging Face fixtures.
/// Options: <c>--repeat N</c> timed runs per row (median and best reported, default 15), <c>--fixture PATH</c>
/// (whisper_features.safetensors; default the Data tests' copy).
/// </summary>
public static class FeatureBench
{
    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var repeat = int.Parse(Option(args, "--repeat") ?? "15", CultureInfo.InvariantCulture);
        var fixture = Option(args, "--fixture") ?? Path.Combine(FindRepoRoot(), "tests", "AudioThinker.Data.Tests", "Fixtures", "whisper_features.safetensors");
        Console.WriteLine($"one thread; median and best of {repeat} runs after warm-up; {Environment.ProcessorCount} logical cores present (a shared machine: the best run is the least disturbed)");

        var rows = new List<IReadOnlyList<string>>();
        foreach (var (mels, seconds) in new[] { (80, 30.0), (128, 30.0), (128, 3.0) })
        {
            var extractor = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = mels, ChunkSeconds = seconds });
            // A full window of signal (tones over noise), so no all-zero frame is skipped.
            var wave = Signal((int)(seconds * 16000));
            var destination = new float[mels * extractor.Frames];
            var (ms, best) = Time(repeat, () => extractor.Extract(wave, destination));
            rows.Add([$"log-mel {mels} bins, {seconds:0} s window", $"{ms:0.00}", $"{seconds * 1000 / ms:0}×", $"{best:0.00}", $"{seconds * 1000 / best:0}×"]);
        }
        {
            var wave = Signal(44100 * 30);
            var resampler = new Resampler(44100, 16000);
            var (ms, best) = Time(Math.Max(3, repeat / 3), () => resampler.Process(wave));
            rows.Add(["resample 44.1 → 16 kHz, 30 s", $"{ms:0.00}", $"{30000 / ms:0}×", $"{best:0.00}", $"{30000 / best:0}×"]);
        }
        {
            var options = new SyntheticOptions { Counts = new LevelCounts { Easy = 0, Medium = 0, Hard = 30 } };
            var generator = new SyntheticGenerator(options);
            var (total, bestTotal) = Time(Math.Max(3, repeat / 3), () => generator.Items().Count());
            double ms = total / 30, best = bestTotal / 30;
            rows.Add(["synthetic hard question + 3 s clip", $"{ms:0.00}", $"{3000 / ms:0}×", $"{best:0.00}", $"{3000 / best:0}×"]);
        }
        Table.Print(["what", "median ms", "median × real time", "best ms", "best × real time"], rows);

        if (File.Exists(fixture))
        {
            Console.WriteLine();
            Console.WriteLine($"parity with Hugging Face WhisperFeatureExtractor ({fixture}):");
            var reference = SafeTensors.Load(fixture);
            var parity = new List<IReadOnlyList<string>>();
            foreach (var name in new[] { "chirp", "beep", "long" })
            {
                foreach (var mels in new[] { 80, 128 })
                {
                    var expected = reference.GetFloats($"{name}.mel{mels}");
                    var mask = reference.GetLongs($"{name}.mask{mels}");
                    var features = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = mels }).Extract(reference.GetFloats($"{name}.wave"));
                    var valid = (int)mask.Sum();
                    double validDiff = 0, allDiff = 0;
                    for (var m = 0; m < mels; m++)
                    {
                        for (var t = 0; t < features.Frames; t++)
                        {
                            var d = Math.Abs(features[m, t] - expected[m * features.Frames + t]);
                            allDiff = Math.Max(allDiff, d);
                            validDiff = t < valid ? Math.Max(validDiff, d) : validDiff;
                        }
                    }
                    parity.Add([name, mels.ToString(CultureInfo.InvariantCulture), valid.ToString(CultureInfo.InvariantCulture), $"{validDiff:E2}", $"{allDiff:E2}", features.Mask().SequenceEqual(mask) ? "yes" : "NO"]);
                }
            }
            Table.Print(["waveform", "mels", "valid frames", "max |Δ| valid", "max |Δ| all", "mask equal"], parity);
        }
        return 0;
    }

    private static float[] Signal(int length)
    {
        var rng = new SeededRandom(42);
        var x = new float[length];
        for (var i = 0; i < length; i++)
        {
            x[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 16000.0) + 0.1 * Math.Sin(2 * Math.PI * 3000 * i / 16000.0) + 0.05 * (rng.NextDouble() - 0.5));
        }
        return x;
    }

    private static (double Median, double Best) Time(int repeat, Action action)
    {
        for (var i = 0; i < 3; i++)
        {
            action();
        }
        var times = new double[repeat];
        for (var i = 0; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return (times[repeat / 2], times[0]);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AudioThinker.sln")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
