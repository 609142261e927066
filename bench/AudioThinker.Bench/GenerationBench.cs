using System.Diagnostics;
using System.Globalization;
using AudioThinker.Abstractions;
using AudioThinker.Policies.Generation;
using AudioThinker.Policies.Policy;
using AudioThinker.Policies.Presets;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Runtime;
using AudioThinker.Policies.Tokenization;
using TorchSharp;

namespace AudioThinker.Bench;

/// <summary>
/// Generation throughput of a from-scratch preset on the CPU, with and without the KV cache: batches of audio
/// prompts (a full-window tone clip each, so the prompt holds the preset's maximum audio tokens) generate exactly
/// <c>--new-tokens</c> greedy tokens (no EOS), timed after one warm-up run.
/// Options: <c>--preset NAME</c> (default tiny), <c>--new-tokens N</c> (default 64), <c>--batches 1,8</c>,
/// <c>--threads N</c> (libtorch CPU threads; default libtorch's), <c>--repeat R</c> (best of R timed runs; default 3).
/// </summary>
public static class GenerationBench
{
    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        var preset = Option(args, "--preset") ?? "tiny";
        var newTokens = int.Parse(Option(args, "--new-tokens") ?? "64", CultureInfo.InvariantCulture);
        var batches = (Option(args, "--batches") ?? "1,8").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        var threads = int.Parse(Option(args, "--threads") ?? "0", CultureInfo.InvariantCulture);
        var repeat = int.Parse(Option(args, "--repeat") ?? "3", CultureInfo.InvariantCulture);
        var info = TorchRuntime.Initialize(new DeviceOptions { CpuThreads = threads });

        AudioQuestion[] questions =
        [
            new("b1", null, "How many beeps are there?", ["2", "3", "4"], "3") { ReferenceReasoning = "I count three beeps." },
            new("b2", null, "Is the second tone higher than the first?", ["yes", "no"], "yes") { ReferenceReasoning = "The second tone is higher." },
        ];
        var tokenizer = CompactTokenizer.Build(PromptCorpus.Texts(questions.Select(q => q with { Audio = new AudioReference("x.wav") })));
        var model = ModelPresets.CreateQwen2Audio(preset, tokenizer, seed: 1);
        model.eval();
        var policy = new Qwen2AudioPolicy(model, tokenizer);
        var window = model.Config.Audio.InputFrames * 160;
        var clip = new AudioReference(Enumerable.Range(0, window).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 16000.0))).ToArray(), 16000);
        var options = new GenerationOptions { Temperature = 0, MaxNewTokens = newTokens, StopStrings = [] };

        var rows = new List<IReadOnlyList<string>>();
        foreach (var batch in batches)
        {
            var prompts = Enumerable.Range(0, batch).Select(i => new PolicyPrompt(null, questions[i % questions.Length].Question, clip)).ToList();
            var prepared = policy.Prepare(prompts);
            double? uncachedRate = null;
            foreach (var cached in new[] { false, true })
            {
                var generator = new TextGenerator(model, tokenizer, eosTokenIds: []) { DisableKvCache = !cached };
                generator.Generate(prepared.TokenIds, options with { MaxNewTokens = 4 }, prepared.Audio); // warm-up
                var seconds = double.MaxValue;
                var generated = 0;
                for (var r = 0; r < repeat; r++)
                {
                    // Best of R: the machine may be shared, and the fastest run is the least disturbed one.
                    var sw = Stopwatch.StartNew();
                    var result = generator.Generate(prepared.TokenIds, options, prepared.Audio);
                    seconds = Math.Min(seconds, sw.Elapsed.TotalSeconds);
                    generated = result.Sum(x => x.TokenIds.Count);
                }
                var rate = generated / seconds;
                uncachedRate ??= rate;
                rows.Add([
                    batch.ToString(CultureInfo.InvariantCulture),
                    prepared.TokenIds.Max(p => p.Count).ToString(CultureInfo.InvariantCulture),
                    newTokens.ToString(CultureInfo.InvariantCulture),
                    cached ? "on" : "off",
                    seconds.ToString("0.00", CultureInfo.InvariantCulture),
                    rate.ToString("0", CultureInfo.InvariantCulture),
                    (rate / uncachedRate.Value).ToString("0.0", CultureInfo.InvariantCulture) + "×",
                ]);
            }
        }
        Console.WriteLine($"preset {preset}: {model.Config.Text.NumHiddenLayers} decoder layers × {model.Config.Text.HiddenSize}, " +
                          $"{policy.Name}; {info}; {torch.get_num_threads()} CPU threads; best of {repeat}");
        Console.WriteLine();
        Table.Print(["batch", "prompt tokens", "new tokens", "KV cache", "seconds", "tokens/s", "vs no cache"], rows);
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
