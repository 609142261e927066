using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AudioThinker.Abstractions;
using AudioThinker.Grpo.Checkpoints;
using AudioThinker.Grpo.Configuration;
using AudioThinker.Grpo.Evaluation;
using AudioThinker.Grpo.Metrics;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Runtime;
using Microsoft.Extensions.Configuration;

namespace AudioThinker.Grpo.Composition;

/// <summary>One variant's evaluation for one seed.</summary>
/// <param name="Variant">The variant's name.</param>
/// <param name="Seed">The GRPO seed.</param>
/// <param name="Summary">The test-set evaluation.</param>
/// <param name="Metrics">The GRPO metrics.</param>
public sealed record VariantRun(string Variant, int Seed, EvaluationSummary Summary, IReadOnlyList<StepMetrics> Metrics);

/// <summary>What the quickstart measured.</summary>
/// <param name="Folder">The output folder.</param>
/// <param name="Profile">The profile run.</param>
/// <param name="WarmUp">The warm-up model's own evaluation (adaptive prompt).</param>
/// <param name="Runs">Every variant × seed.</param>
/// <param name="Variants">The variants, in order.</param>
/// <param name="Wall">Wall time.</param>
/// <param name="WarmUpByPrompt">The warm-up model under the forced-thinking and direct prompts (does thinking help it?).</param>
public sealed record QuickstartResult(string Folder, string Profile, EvaluationSummary WarmUp, IReadOnlyList<VariantRun> Runs, IReadOnlyList<QuickstartVariant> Variants, TimeSpan Wall,
    IReadOnlyDictionary<string, EvaluationSummary>? WarmUpByPrompt = null)
{
    /// <summary>Whether this run went on from an interrupted one (<see cref="Wall"/> is then this process's time only).</summary>
    public bool Resumed { get; init; }
}

/// <summary>
/// The paper's findings in miniature: one supervised warm-up of the <c>tiny</c> model on the synthetic set, then each variant
/// (outcome-only GRPO, forced thinking, + ATAR, + consistency, + think reward) trained from that same checkpoint for each seed
/// and evaluated on the held-out test set; <see cref="QuickstartReport"/> writes Table 1 and Fig. 2 in miniature.
/// </summary>
public sealed class QuickstartRunner
{
    private readonly IConfiguration _file;
    private readonly string _source;
    private readonly string _profile;
    private readonly Dictionary<string, string?> _overrides;

    /// <summary>Reads a quickstart file (its <c>experiment</c>, <c>quickstart</c> and <c>profiles</c> sections) and picks a profile.</summary>
    public QuickstartRunner(string path, string profile, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        _source = Path.GetFullPath(path);
        _file = new ConfigurationBuilder().AddYamlFile(_source).Build();
        _profile = profile;
        var profileSection = _file.GetSection("profiles").GetSection(profile);
        // "default" may be written as an empty mapping (no overrides), which leaves no key behind.
        if (!profileSection.Exists() && profile != "default")
        {
            var known = string.Join(", ", _file.GetSection("profiles").GetChildren().Select(c => c.Key));
            throw new ExperimentConfigurationException(_source, [$"profiles.{profile}: no such profile (known: {known})"]);
        }
        var errors = new List<string>();
        Options = StrictBinder.Bind<QuickstartOptions>(_file.GetSection("quickstart"), "quickstart", errors);
        _overrides = profileSection.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null && kv.Key != "seeds")
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        if (profileSection["seeds"] is { } seeds)
        {
            Options.Seeds = int.TryParse(seeds, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : Fail(errors, $"profiles.{profile}.seeds: '{seeds}' must be a whole number >= 1");
        }
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>())
        {
            _overrides[k] = v;
        }
        if (Options.Variants.Count == 0)
        {
            errors.Add("quickstart.variants: list at least one variant");
        }
        for (var i = 0; i < Options.Variants.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Options.Variants[i].Name))
            {
                errors.Add($"quickstart.variants[{i}].name: must be set");
            }
        }
        if (errors.Count > 0)
        {
            throw new ExperimentConfigurationException(_source, errors);
        }
        Base = Build(null, 0); // validates the base experiment with the profile applied
    }

    private static int Fail(List<string> errors, string message)
    {
        errors.Add(message);
        return 1;
    }

    /// <summary>The quickstart's own options (seeds, variants).</summary>
    public QuickstartOptions Options { get; }

    /// <summary>The base experiment with the profile applied.</summary>
    public Experiment Base { get; }

    /// <summary>Stage messages.</summary>
    public event Action<string>? Stage;

    /// <summary>Every training step's metrics, with the variant name (or "warm-up").</summary>
    public event Action<string, StepMetrics>? StepCompleted;

    // The file's experiment keys (flattened, `a:b` = value) with the profile's and the caller's overrides applied.
    private Dictionary<string, string?> ExperimentPairs()
    {
        var pairs = _file.GetSection("experiment").AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in _overrides)
        {
            pairs[k] = v;
        }
        return pairs;
    }

    /// <summary>The settings a run depends on, one <c>key=value</c> line each, sorted: the experiment keys with the profile and
    /// overrides applied (the output folder left out), the seeds and every variant. A resumed run must have the same ones.</summary>
    public IReadOnlyList<string> SettingsLines()
    {
        var pairs = ExperimentPairs();
        pairs.Remove("output:dir");
        var lines = pairs.Select(kv => $"experiment:{kv.Key.ToLowerInvariant()}={kv.Value}").ToList();
        lines.Add($"quickstart:seeds={Options.Seeds}");
        foreach (var v in Options.Variants)
        {
            lines.Add($"quickstart:variants:{v.Name}:prompt={v.Prompt}");
            lines.AddRange(v.Rewards.Select(r => $"quickstart:variants:{v.Name}:rewards:{r.Key}={r.Value}"));
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>The experiment of one variant and seed: base keys, the profile, the variant's prompt and rewards, and its run folder.</summary>
    public Experiment Build(QuickstartVariant? variant, int seed)
    {
        var pairs = ExperimentPairs();
        if (variant is not null)
        {
            pairs["prompt"] = variant.Prompt;
            foreach (var (k, v) in variant.Rewards)
            {
                var key = "rewards:" + k.Replace('.', ':');
                if (key.EndsWith(":pipeline", StringComparison.OrdinalIgnoreCase))
                {
                    // A list written inline as "a, b" becomes pipeline:0 = a, pipeline:1 = b.
                    var names = v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    for (var i = 0; i < names.Length; i++)
                    {
                        pairs[$"{key}:{i}"] = names[i];
                    }
                    continue;
                }
                pairs[key] = v;
            }
            var outDir = pairs.TryGetValue("output:dir", out var d) ? d! : "runs/quickstart";
            pairs["output:dir"] = Path.Combine(outDir, variant.Name, $"seed-{seed}");
            pairs["seed"] = seed.ToString(CultureInfo.InvariantCulture);
        }
        var config = new ConfigurationBuilder().AddInMemoryCollection(pairs).Build();
        return Experiment.FromConfiguration(config, _source);
    }

    private async Task<VariantRun> RunVariantAsync(QuickstartVariant variant, int seed, ExperimentData data, Policies.Tokenization.ITextTokenizer tokenizer,
        string warmDir, bool resume, CancellationToken cancellationToken)
    {
        var exp = Build(variant, seed);
        var variantRunner = new ExperimentRunner(exp);
        var (policy, _) = ModelStore.Load(warmDir);
        try
        {
            var vSession = new PolicySession(policy, tokenizer, data.AudioBaseDirectory);
            var template = PromptTemplates.Get(exp.Options.Prompt);
            var runFolder = Path.GetFullPath(exp.Options.Output.Dir);
            Stage?.Invoke($"{variant.Name} (seed {seed}): {exp.Options.Grpo.Steps} GRPO steps, prompt '{template.Name}'");
            variantRunner.StepCompleted += m => StepCompleted?.Invoke(variant.Name, m);
            variantRunner.Stage += s => Stage?.Invoke($"{variant.Name} (seed {seed}): {s}");
            var grpoFolder = Path.Combine(runFolder, "grpo");
            if (!resume && Directory.Exists(runFolder))
            {
                // A new run replaces an earlier one in this folder: none of its checkpoints or metrics may leak into a later resume.
                Directory.Delete(runFolder, recursive: true);
            }
            // On a resume a finished run loads its last checkpoint and trains no step; an unfinished one goes on from its last.
            var summary = await variantRunner.TrainGrpoAsync(vSession, data, template, grpoFolder, resume, cancellationToken).ConfigureAwait(false);
            var eval = await ExperimentRunner.EvaluateAsync(vSession, data.Test, template, Path.Combine(runFolder, "eval"), cancellationToken).ConfigureAwait(false);
            Stage?.Invoke($"{variant.Name} (seed {seed}): accuracy {eval.Accuracy():P1}, no-think easy {eval.NoThinkRate(Difficulty.Easy):P0} / hard {eval.NoThinkRate(Difficulty.Hard):P0}");
            return new VariantRun(variant.Name, seed, eval, resume ? WholeRun(grpoFolder) : summary.Metrics);
        }
        finally
        {
            policy.Module.Dispose();
        }
    }

    // Every GRPO step of a run that may have been interrupted: steps redone after a resume appear twice in its log, the later wins.
    private static List<StepMetrics> WholeRun(string grpoFolder) =>
        MetricsLog.Read(Path.Combine(grpoFolder, "metrics.jsonl")).Where(m => m.Phase == "grpo")
            .GroupBy(m => m.Step).Select(g => g.Last()).OrderBy(m => m.Step).ToList();

    /// <summary>The file in the output folder that records the settings of the run made there (<see cref="SettingsLines"/>).</summary>
    public const string SettingsFile = "quickstart-settings.txt";

    /// <summary>Runs the warm-up, every variant for every seed, and writes the report. With <paramref name="reuseWarmup"/>
    /// the warm-up model already in the output folder (<c>warmup/model</c>, from an earlier run of the same data) is
    /// loaded instead of trained again. With <paramref name="resume"/> a run that died or was stopped in the output folder goes on:
    /// a finished warm-up is kept, finished variant runs are only evaluated again (greedy, so the figures are the same), and
    /// unfinished ones continue from their last checkpoint; the settings must be the ones that run was made with.</summary>
    public async Task<QuickstartResult> RunAsync(CancellationToken cancellationToken = default, bool reuseWarmup = false, bool resume = false)
    {
        var clock = Stopwatch.StartNew();
        var o = Base.Options;
        TorchRuntime.Initialize(new DeviceOptions { Device = o.Device, CpuThreads = o.Threads });
        var folder = Path.GetFullPath(o.Output.Dir);
        Directory.CreateDirectory(folder);
        using var runLock = RunLock.Acquire(folder);
        var runner = new ExperimentRunner(Base);
        var settingsPath = Path.Combine(folder, SettingsFile);
        var settings = SettingsLines();
        if (resume && File.Exists(settingsPath))
        {
            var before = File.ReadAllLines(settingsPath);
            var changed = before.Except(settings, StringComparer.Ordinal).Concat(settings.Except(before, StringComparer.Ordinal))
                .Select(line => line.Split('=')[0]).Distinct(StringComparer.Ordinal).ToList();
            if (changed.Count > 0)
            {
                throw new InvalidDataException($"{settingsPath}: --resume with other settings than the run in this folder was made with " +
                    $"(profile, --config or --set; differing: {string.Join(", ", changed.Take(5))}); resume with the same ones, or run into another --output");
            }
        }
        else
        {
            File.WriteAllLines(settingsPath, settings);
        }

        Stage?.Invoke("data: synthesising train and test sets");
        var data = runner.LoadData();
        var tokenizer = runner.CreateTokenizer(data);
        var warmDir = Path.Combine(folder, "warmup", "model");
        // The warm-up is one model: give libtorch every core. The variants then run side by side, one thread each.
        TorchSharp.torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        Policies.Models.ICausalLanguageModel model;
        // The warm-up model folder appears by rename only once it is whole, so its config.json means a finished warm-up.
        var warmedUp = File.Exists(Path.Combine(warmDir, "config.json"));
        reuseWarmup |= resume && warmedUp;
        if (reuseWarmup)
        {
            if (!warmedUp)
            {
                throw new DirectoryNotFoundException($"--reuse-warmup: no warm-up model in {warmDir}; run the quickstart once without it");
            }
            Stage?.Invoke($"warm-up: reusing {warmDir}");
            model = ModelStore.Load(warmDir, dtype: TorchSharp.torch.ScalarType.Float32).Model;
        }
        else
        {
            model = runner.CreateModel(tokenizer);
        }
        var session = new PolicySession(model, tokenizer, data.AudioBaseDirectory);
        if (!reuseWarmup)
        {
            Stage?.Invoke($"warm-up: {(o.Sft.TextSteps > 0 ? $"{o.Sft.TextSteps} text-only steps, then " : "")}{o.Sft.Steps} supervised steps on {data.Train.Count} questions ({Policies.Models.CausalLanguageModelExtensions.ParameterCount(model):N0} parameters)");
            using (var sft = new SftTrainer(session, o.Sft, data.Train, o.Seed, TrainerOutput.From(o.Output, Path.Combine(folder, "warmup"))))
            {
                sft.StepCompleted += m => StepCompleted?.Invoke("warm-up", m);
                sft.Run(cancellationToken);
            }
            ExperimentRunner.WriteFolder(warmDir, temp => ModelStore.Save(model, tokenizer, temp));
        }
        Stage?.Invoke("warm-up: evaluating");
        var warmEval = await ExperimentRunner.EvaluateAsync(session, data.Test, PromptTemplates.Adaptive, Path.Combine(folder, "warmup", "eval"), cancellationToken).ConfigureAwait(false);
        // ATAR can only teach "think on hard questions" if thinking answers them better: measure that on the warm-up.
        var byPrompt = new Dictionary<string, EvaluationSummary>(StringComparer.Ordinal);
        foreach (var probe in new[] { PromptTemplates.Think, PromptTemplates.Direct })
        {
            byPrompt[probe.Name] = await ExperimentRunner.EvaluateAsync(session, data.Test, probe, Path.Combine(folder, "warmup", "eval-" + probe.Name), cancellationToken).ConfigureAwait(false);
        }

        TorchSharp.torch.set_num_threads(o.Threads > 0 ? o.Threads : Math.Max(1, Environment.ProcessorCount / Math.Max(1, Options.Workers)));
        // Variant × seed runs are independent: run them on parallel workers, each with its own model copy.
        var jobs = Options.Variants.SelectMany(v => Enumerable.Range(0, Options.Seeds).Select(s => (Variant: v, Seed: o.Seed + s))).ToList();
        var done = new System.Collections.Concurrent.ConcurrentBag<VariantRun>();
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.Workers), CancellationToken = cancellationToken },
            async (job, ct) => done.Add(await RunVariantAsync(job.Variant, job.Seed, data, tokenizer, warmDir, resume, ct).ConfigureAwait(false))).ConfigureAwait(false);
        var order = Options.Variants.Select(v => v.Name).ToList();
        var runs = done.OrderBy(r => order.IndexOf(r.Variant)).ThenBy(r => r.Seed).ToList();
        var result = new QuickstartResult(folder, _profile, warmEval, runs, Options.Variants, clock.Elapsed, byPrompt) { Resumed = resume };
        QuickstartReport.Write(result);
        return result;
    }
}
