using AudioThinker.Grpo.Training;

namespace AudioThinker.Grpo.Options;

/// <summary>A whole experiment, as an experiment YAML file states it. Every default is documented on its property.</summary>
public sealed class ExperimentOptions
{
    /// <summary>The experiment's name (used in reports). Default <c>experiment</c>.</summary>
    public string Name { get; set; } = "experiment";

    /// <summary>Seed of everything random: data order, sampling, initialisation. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>auto</c>. Default <c>cpu</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>CPU threads for libtorch; 0 = libtorch's default. Default 0.</summary>
    public int Threads { get; set; }

    /// <summary>The policy model.</summary>
    public ModelOptions Model { get; set; } = new();

    /// <summary>Training and evaluation data.</summary>
    public DataOptions Data { get; set; } = new();

    /// <summary>The system/user prompt template: <c>adaptive</c> (the paper's), <c>adaptive-long</c>, <c>think</c> (forced thinking) or <c>direct</c> (answer only). Default <c>adaptive</c>.</summary>
    public string Prompt { get; set; } = "adaptive";

    /// <summary>Supervised warm-up before GRPO (from-scratch models need it).</summary>
    public SftOptions Sft { get; set; } = new();

    /// <summary>The GRPO trainer.</summary>
    public GrpoOptions Grpo { get; set; } = new();

    /// <summary>Where results go.</summary>
    public OutputOptions Output { get; set; } = new();

    /// <summary>Checks every rule; returns the faults as <c>key.path: rule</c>.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (Device is not ("cpu" or "cuda" or "auto"))
        {
            errors.Add($"device: '{Device}' must be one of cpu, cuda, auto");
        }
        if (!AudioThinker.Policies.Prompts.PromptTemplates.All.Any(t => t.Name == Prompt))
        {
            errors.Add($"prompt: '{Prompt}' must be one of {string.Join(", ", AudioThinker.Policies.Prompts.PromptTemplates.All.Select(t => t.Name))}");
        }
        if (Threads < 0)
        {
            errors.Add("threads: must be >= 0");
        }
        Model.Validate("model", errors);
        Data.Validate("data", errors);
        Sft.Validate("sft", errors);
        if (string.IsNullOrWhiteSpace(Data.Train) && Sft.ThinkShareBySubCategory.Count > 0)
        {
            // On synthetic data a sub-category is a template: a name that is not one in use would silently change nothing.
            var inUse = Data.Synthetic.TemplatesInUse();
            foreach (var name in Sft.ThinkShareBySubCategory.Keys.Where(k => !inUse.Contains(k)))
            {
                errors.Add($"sft.thinkShareBySubCategory.{name}: not a template of this synthetic set ({string.Join(", ", inUse)})");
            }
        }
        Grpo.Validate("grpo", errors);
        Output.Validate("output", errors);
        return errors;
    }
}

/// <summary>The policy model: a from-scratch preset or a pretrained folder.</summary>
public sealed class ModelOptions
{
    /// <summary>A named from-scratch preset (e.g. <c>tiny</c>), used when <see cref="Path"/> is empty. Default <c>tiny</c>.</summary>
    public string Preset { get; set; } = "tiny";

    /// <summary>A Hugging Face model folder (config.json + safetensors), or a checkpoint folder of ours. Default: none.</summary>
    public string? Path { get; set; }

    /// <summary>Compute dtype: <c>float32</c> or <c>bfloat16</c> (autocast on CUDA). Default <c>float32</c>.</summary>
    public string Dtype { get; set; } = "float32";

    /// <summary>LoRA rank for GRPO; 0 trains all weights. With r &gt; 0 adapters are attached before GRPO (after the
    /// supervised warm-up, which trains all weights), only they train, the KL reference is the model with its adapters
    /// off (no copy), and checkpoints hold the adapters in PEFT's layout. Default 0.</summary>
    public int LoraRank { get; set; }

    /// <summary>LoRA α. Default 32 (the paper's secondary note: r = 8, α = 32).</summary>
    public double LoraAlpha { get; set; } = 32;

    /// <summary>Dropout on the adapters' input during training. Default 0.</summary>
    public double LoraDropout { get; set; }

    /// <summary>Projections LoRA wraps, in every decoder layer (the audio encoder is left alone). Default: all seven.</summary>
    public List<string> LoraTargets { get; set; } = [.. AudioThinker.Policies.Lora.LoraConfig.DecoderProjections];

    /// <summary>The adapter settings: <see cref="LoraTargets"/> in the decoder's layers only.</summary>
    public AudioThinker.Policies.Lora.LoraConfig ToLoraConfig() => new()
    {
        Rank = LoraRank,
        Alpha = LoraAlpha,
        Dropout = LoraDropout,
        TargetModules = LoraTargets,
        TargetModulesPattern = $@"(.*\.)?model\.layers\.\d+\.(self_attn|mlp)\.({string.Join("|", LoraTargets.Select(System.Text.RegularExpressions.Regex.Escape))})",
    };

    /// <summary>Recompute decoder layers in the backward pass to save memory. Default false.</summary>
    public bool GradientCheckpointing { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Path) && string.IsNullOrWhiteSpace(Preset))
        {
            errors.Add($"{path}: set either preset or path");
        }
        if (Dtype is not ("float32" or "bfloat16"))
        {
            errors.Add($"{path}.dtype: '{Dtype}' must be float32 or bfloat16");
        }
        if (LoraRank < 0)
        {
            errors.Add($"{path}.loraRank: must be >= 0");
        }
        if (LoraAlpha <= 0 || !double.IsFinite(LoraAlpha))
        {
            errors.Add($"{path}.loraAlpha: must be a positive number");
        }
        if (LoraDropout is < 0 or >= 1 || !double.IsFinite(LoraDropout))
        {
            errors.Add($"{path}.loraDropout: must be in [0, 1)");
        }
        var known = AudioThinker.Policies.Lora.LoraConfig.DecoderProjections;
        if (LoraRank > 0 && LoraTargets.Count == 0)
        {
            errors.Add($"{path}.loraTargets: must name at least one of {string.Join(", ", known)}");
        }
        foreach (var (target, i) in LoraTargets.Select((t, i) => (t, i)))
        {
            if (!known.Contains(target))
            {
                errors.Add($"{path}.loraTargets[{i}]: '{target}' must be one of {string.Join(", ", known)}");
            }
        }
    }
}

/// <summary>Where the questions come from: JSONL files, or the synthetic generator.</summary>
public sealed class DataOptions
{
    /// <summary>Training questions (native JSONL). Default: none, then <see cref="Synthetic"/> is used.</summary>
    public string? Train { get; set; }

    /// <summary>Held-out questions for evaluation (native JSONL). Default: none.</summary>
    public string? Test { get; set; }

    /// <summary>The synthetic generator's settings, used when <see cref="Train"/> is empty.</summary>
    public SyntheticDataOptions Synthetic { get; set; } = new();

    internal void Validate(string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Train))
        {
            Synthetic.Validate(path + ".synthetic", errors);
        }
        else if (!File.Exists(Train))
        {
            errors.Add($"{path}.train: file '{Train}' does not exist");
        }
        if (!string.IsNullOrWhiteSpace(Test) && !File.Exists(Test))
        {
            errors.Add($"{path}.test: file '{Test}' does not exist");
        }
    }
}

/// <summary>The synthetic difficulty-graded audio QA set.</summary>
public sealed class SyntheticDataOptions
{
    /// <summary>Training questions per difficulty level. Default 200.</summary>
    public int TrainPerLevel { get; set; } = 200;

    /// <summary>Test questions per difficulty level. Default 50.</summary>
    public int TestPerLevel { get; set; } = 50;

    /// <summary>Seed of the generator (the test set uses a derived seed). Default 7.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Clip length in seconds. Default 3.</summary>
    public double ClipSeconds { get; set; } = 3;

    /// <summary>Question templates by name (docs/data.md); empty, the default, uses the generator's default set.</summary>
    public List<string> Templates { get; set; } = [];

    /// <summary>The generator's settings for one set: <paramref name="perLevel"/> questions at each level.</summary>
    internal AudioThinker.Data.Synthetic.SyntheticOptions ToGeneratorOptions(int perLevel, long seed) => new()
    {
        Seed = seed,
        ClipSeconds = ClipSeconds,
        Templates = [.. Templates],
        Counts = new AudioThinker.Data.Synthetic.LevelCounts { Easy = perLevel, Medium = perLevel, Hard = perLevel },
    };

    /// <summary>The names of the templates this set draws from (unknown names in <see cref="Templates"/> are reported apart).</summary>
    internal IReadOnlyList<string> TemplatesInUse()
    {
        var options = ToGeneratorOptions(Math.Max(1, TrainPerLevel), Seed);
        return [.. new[] { AudioThinker.Abstractions.Difficulty.Easy, AudioThinker.Abstractions.Difficulty.Medium, AudioThinker.Abstractions.Difficulty.Hard }
            .SelectMany(l => options.TemplatesFor(l)).Select(t => t.Name)];
    }

    internal void Validate(string path, List<string> errors)
    {
        if (TrainPerLevel < 1)
        {
            errors.Add($"{path}.trainPerLevel: must be >= 1");
        }
        if (TestPerLevel < 0)
        {
            errors.Add($"{path}.testPerLevel: must be >= 0");
        }
        if (ClipSeconds is <= 0 or > 30 || !double.IsFinite(ClipSeconds))
        {
            errors.Add($"{path}.clipSeconds: must be in (0, 30]");
            return;
        }
        try
        {
            // The generator's own rules (e.g. the clip must hold its longest scene; every level has a template).
            ToGeneratorOptions(Math.Max(1, TrainPerLevel), Seed).Validate();
        }
        catch (ArgumentException e)
        {
            errors.Add($"{path}.{e.Message.Replace("clip_seconds", "clipSeconds", StringComparison.Ordinal)}");
        }
    }
}

/// <summary>Supervised warm-up: cross-entropy on reference responses.</summary>
public sealed class SftOptions
{
    /// <summary>Optimizer steps; 0 skips the warm-up. Default 0.</summary>
    public int Steps { get; set; }

    /// <summary>Questions per step. Default 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Peak learning rate. Default 5e-4: a from-scratch tiny model at 2e-3 fits the answer prior and never
    /// learns to hear the clips (FromScratchHearingTests).</summary>
    public double LearningRate { get; set; } = 5e-4;

    /// <summary>Warm-up steps of the learning rate. Default 20.</summary>
    public int WarmupSteps { get; set; } = 20;

    /// <summary>Share of demonstrations written with thinking (the rest answer directly), per difficulty level
    /// easy/medium/hard; one value applies to all. Default 0.5.</summary>
    public List<double> ThinkShare { get; set; } = [0.5];

    /// <summary>Share of demonstrations that think for questions of a given sub-category (a synthetic template's name, a
    /// benchmark's sub-category), overriding <see cref="ThinkShare"/> for them. A decision taught at one share for every
    /// question leaves nothing in the model's state at the decision that tells questions apart; shares that differ
    /// within a level (and average the same on each) give it that, without saying which level should think. Default empty.</summary>
    public Dictionary<string, double> ThinkShareBySubCategory { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Steps of text-only practice before the warm-up: the thinking demonstrations of the training questions under
    /// the <c>think</c> prompt, the audio left out and what is heard in it written before the question, so the model learns
    /// the chains' steps on written words (count the written beeps, take a remainder, compare written pitches) as a
    /// pretrained language model already knows them. A model trained from scratch otherwise learns those steps no better
    /// than the direct answer (docs/quickstart.md, round 6). Default 0 (none).</summary>
    public int TextSteps { get; set; }

    /// <summary>How often each prompt template appears in the demonstrations (name → weight). Under <c>think</c> every
    /// demonstration thinks, under <c>direct</c> none does, under the adaptive templates <see cref="ThinkShare"/> decides.
    /// Default adaptive 0.5, think 0.25, direct 0.25, so every variant's prompt is familiar after the warm-up.</summary>
    public Dictionary<string, double> PromptMix { get; set; } = new(StringComparer.OrdinalIgnoreCase) { ["adaptive"] = 0.5, ["think"] = 0.25, ["direct"] = 0.25 };

    internal void Validate(string path, List<string> errors)
    {
        if (Steps < 0)
        {
            errors.Add($"{path}.steps: must be >= 0");
        }
        if (TextSteps < 0)
        {
            errors.Add($"{path}.textSteps: must be >= 0");
        }
        foreach (var (name, weight) in PromptMix)
        {
            if (!AudioThinker.Policies.Prompts.PromptTemplates.All.Any(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{path}.promptMix.{name}: unknown prompt template (known: {string.Join(", ", AudioThinker.Policies.Prompts.PromptTemplates.All.Select(t => t.Name))})");
            }
            if (weight < 0 || !double.IsFinite(weight))
            {
                errors.Add($"{path}.promptMix.{name}: must be >= 0");
            }
        }
        if (PromptMix.Count > 0 && PromptMix.Values.Sum() <= 0)
        {
            errors.Add($"{path}.promptMix: the weights must not all be 0");
        }
        if (BatchSize < 1)
        {
            errors.Add($"{path}.batchSize: must be >= 1");
        }
        if (LearningRate <= 0 || !double.IsFinite(LearningRate))
        {
            errors.Add($"{path}.learningRate: must be a positive number");
        }
        if (ThinkShare.Count is not (1 or 3))
        {
            errors.Add($"{path}.thinkShare: give one value or three (easy, medium, hard)");
        }
        for (var i = 0; i < ThinkShare.Count; i++)
        {
            if (ThinkShare[i] is < 0 or > 1 || !double.IsFinite(ThinkShare[i]))
            {
                errors.Add($"{path}.thinkShare[{i}]: must be in [0, 1]");
            }
        }
        foreach (var (name, share) in ThinkShareBySubCategory)
        {
            if (share is < 0 or > 1 || !double.IsFinite(share))
            {
                errors.Add($"{path}.thinkShareBySubCategory.{name}: must be in [0, 1], got {share}");
            }
        }
    }
}

/// <summary>The GRPO trainer. Defaults follow the paper (group 8, lr 1e-6, β 0.04, temperature 1.0, 1000 steps).</summary>
public sealed class GrpoOptions
{
    /// <summary>Optimizer steps, T. Default 1000.</summary>
    public int Steps { get; set; } = 1000;

    /// <summary>Questions drawn per step (each gets <see cref="GroupSize"/> completions). Default 2.</summary>
    public int QuestionsPerStep { get; set; } = 2;

    /// <summary>Completions per question, G. Default 8.</summary>
    public int GroupSize { get; set; } = 8;

    /// <summary>Micro-batches accumulated per optimizer step. Default 1.</summary>
    public int GradientAccumulation { get; set; } = 1;

    /// <summary>Passes over each batch of rollouts, μ. Default 1.</summary>
    public int InnerIterations { get; set; } = 1;

    /// <summary>Peak learning rate. Default 1e-6.</summary>
    public double LearningRate { get; set; } = 1e-6;

    /// <summary>Learning-rate warm-up steps. Default 0.</summary>
    public int WarmupSteps { get; set; }

    /// <summary>Decay after warm-up. Default constant.</summary>
    public ScheduleKind Schedule { get; set; } = ScheduleKind.Constant;

    /// <summary>AdamW weight decay. Default 0.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Gradient-norm clip; 0 disables. Default 1.0.</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>KL weight β; 0 loads no reference model. Default 0.04.</summary>
    public double Beta { get; set; } = 0.04;

    /// <summary>Lower clip ε. Default 0.2.</summary>
    public double EpsilonLow { get; set; } = 0.2;

    /// <summary>Upper clip ε. Default 0.2.</summary>
    public double EpsilonHigh { get; set; } = 0.2;

    /// <summary>Loss aggregation: grpo, dapo or dr_grpo. Default grpo.</summary>
    public LossAggregation Loss { get; set; } = LossAggregation.Grpo;

    /// <summary>Sampling temperature. Default 1.0.</summary>
    public double Temperature { get; set; } = 1.0;

    /// <summary>Nucleus threshold. Default 1.0 (off).</summary>
    public double TopP { get; set; } = 1.0;

    /// <summary>Most new tokens per completion. Default 256.</summary>
    public int MaxCompletionTokens { get; set; } = 256;

    /// <summary>Leave truncated completions out of the loss. Default false.</summary>
    public bool MaskTruncated { get; set; }

    /// <summary>What a NaN/Inf reward or loss does: <c>error</c> (stop, naming reward and sample) or <c>skip</c> (skip the step). Default error.</summary>
    public string OnNonFinite { get; set; } = "error";

    /// <summary>With <c>skip</c>, stop after this many skipped steps in a row. Default 3.</summary>
    public int MaxSkippedInARow { get; set; } = 3;

    internal void Validate(string path, List<string> errors)
    {
        Positive(path + ".steps", Steps, errors);
        Positive(path + ".questionsPerStep", QuestionsPerStep, errors);
        if (GroupSize < 2)
        {
            errors.Add($"{path}.groupSize: must be >= 2 (advantages are relative within a group)");
        }
        Positive(path + ".gradientAccumulation", GradientAccumulation, errors);
        Positive(path + ".innerIterations", InnerIterations, errors);
        Positive(path + ".maxCompletionTokens", MaxCompletionTokens, errors);
        Positive(path + ".maxSkippedInARow", MaxSkippedInARow, errors);
        if (LearningRate <= 0 || !double.IsFinite(LearningRate))
        {
            errors.Add($"{path}.learningRate: must be a positive number");
        }
        if (Beta < 0 || !double.IsFinite(Beta))
        {
            errors.Add($"{path}.beta: must be >= 0");
        }
        if (EpsilonLow is < 0 or >= 1)
        {
            errors.Add($"{path}.epsilonLow: must be in [0, 1)");
        }
        if (EpsilonHigh < 0 || !double.IsFinite(EpsilonHigh))
        {
            errors.Add($"{path}.epsilonHigh: must be >= 0");
        }
        if (Temperature < 0 || !double.IsFinite(Temperature))
        {
            errors.Add($"{path}.temperature: must be >= 0");
        }
        if (TopP is <= 0 or > 1)
        {
            errors.Add($"{path}.topP: must be in (0, 1]");
        }
        if (OnNonFinite is not ("error" or "skip"))
        {
            errors.Add($"{path}.onNonFinite: '{OnNonFinite}' must be error or skip");
        }
        if (WarmupSteps < 0)
        {
            errors.Add($"{path}.warmupSteps: must be >= 0");
        }
        if (QuestionsPerStep % GradientAccumulation != 0 && QuestionsPerStep > 0 && GradientAccumulation > 0)
        {
            errors.Add($"{path}.gradientAccumulation: must divide questionsPerStep ({QuestionsPerStep})");
        }
    }

    private static void Positive(string path, int value, List<string> errors)
    {
        if (value < 1)
        {
            errors.Add($"{path}: must be >= 1");
        }
    }
}

/// <summary>Outputs: metrics, checkpoints, plots, samples.</summary>
public sealed class OutputOptions
{
    /// <summary>The run folder. Default <c>runs/experiment</c>.</summary>
    public string Dir { get; set; } = "runs/experiment";

    /// <summary>Write a checkpoint every N steps (and always at the end). Default 50.</summary>
    public int CheckpointEvery { get; set; } = 50;

    /// <summary>Checkpoints kept (older ones are deleted). Default 2.</summary>
    public int KeepCheckpoints { get; set; } = 2;

    /// <summary>Log sample completions every N steps; 0 never. Default 10.</summary>
    public int SampleEvery { get; set; } = 10;

    internal void Validate(string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Dir))
        {
            errors.Add($"{path}.dir: must be set");
        }
        if (CheckpointEvery < 1)
        {
            errors.Add($"{path}.checkpointEvery: must be >= 1");
        }
        if (KeepCheckpoints < 1)
        {
            errors.Add($"{path}.keepCheckpoints: must be >= 1");
        }
        if (SampleEvery < 0)
        {
            errors.Add($"{path}.sampleEvery: must be >= 0");
        }
    }
}
