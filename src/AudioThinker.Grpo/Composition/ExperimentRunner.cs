using AudioThinker.Abstractions;
using AudioThinker.Data.Datasets;
using AudioThinker.Data.Synthetic;
using AudioThinker.Grpo.Checkpoints;
using AudioThinker.Grpo.Configuration;
using AudioThinker.Grpo.Evaluation;
using AudioThinker.Grpo.Metrics;
using AudioThinker.Grpo.Options;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Loading;
using AudioThinker.Policies.Lora;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Runtime;
using AudioThinker.Policies.Tokenization;
using AudioThinker.Rewards.DependencyInjection;
using AudioThinker.Rewards.Judges;
using AudioThinker.Rewards.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AudioThinker.Grpo.Composition;

/// <summary>The train and test questions of an experiment.</summary>
/// <param name="Train">Training questions.</param>
/// <param name="Test">Held-out questions (may be empty).</param>
/// <param name="AudioBaseDirectory">Where relative audio paths resolve.</param>
public sealed record ExperimentData(IReadOnlyList<AudioQuestion> Train, IReadOnlyList<AudioQuestion> Test, string? AudioBaseDirectory);

/// <summary>What <see cref="ExperimentRunner.RunAsync"/> produced.</summary>
/// <param name="RunFolder">The run folder.</param>
/// <param name="Sft">The warm-up's summary, if it ran.</param>
/// <param name="Grpo">The GRPO summary, if it ran.</param>
/// <param name="Evaluation">The test-set evaluation, if there was a test set.</param>
public sealed record ExperimentResult(string RunFolder, TrainingSummary? Sft, TrainingSummary? Grpo, EvaluationSummary? Evaluation);

/// <summary>
/// Runs an experiment end to end from its options: data (files or the synthetic generator), tokenizer and model (a
/// preset built for the data's vocabulary, or a pretrained folder), supervised warm-up, GRPO with the rewards composed
/// by dependency injection from the <c>rewards</c> section, and evaluation on the test set. Each stage is also public so
/// that the quickstart can share one warm-up between variants.
/// </summary>
public sealed class ExperimentRunner(Experiment experiment, IServiceProvider? services = null)
{
    /// <summary>The experiment.</summary>
    public Experiment Experiment { get; } = experiment;

    private ExperimentOptions O => Experiment.Options;

    /// <summary>Raised with every step's metrics (sft and grpo), for progress display.</summary>
    public event Action<StepMetrics>? StepCompleted;

    /// <summary>Raised with a short message at each stage.</summary>
    public event Action<string>? Stage;

    /// <summary>Loads or synthesises the data.</summary>
    public ExperimentData LoadData()
    {
        if (!string.IsNullOrWhiteSpace(O.Data.Train))
        {
            var train = AudioQuestionJsonl.Read(O.Data.Train);
            var test = string.IsNullOrWhiteSpace(O.Data.Test) ? [] : AudioQuestionJsonl.Read(O.Data.Test);
            var baseDirectory = Path.GetDirectoryName(O.Data.Train);
            AudioPreflight.Check(train, O.Data.Train, baseDirectory);
            AudioPreflight.Check(test, O.Data.Test ?? O.Data.Train, baseDirectory);
            return new ExperimentData(train, test, baseDirectory);
        }
        var s = O.Data.Synthetic;
        var trainSet = new SyntheticGenerator(s.ToGeneratorOptions(s.TrainPerLevel, s.Seed)).Generate();
        // The test set is drawn with another seed and its ids are prefixed, so no test item repeats a training id.
        var testSet = s.TestPerLevel == 0 ? [] : new SyntheticGenerator(s.ToGeneratorOptions(s.TestPerLevel, s.Seed + 100_003)).Generate()
            .Select(q => q with { Id = "test-" + q.Id }).ToList();
        return new ExperimentData(trainSet, testSet, null);
    }

    /// <summary>The tokenizer: the pretrained model's, or a compact one built from the data and every prompt template.</summary>
    public ITextTokenizer CreateTokenizer(ExperimentData data) =>
        !string.IsNullOrWhiteSpace(O.Model.Path)
            ? TokenizerLoader.FromDirectory(O.Model.Path)
            : CompactTokenizer.Build(PromptCorpus.Texts(data.Train.Concat(data.Test).ToList(), PromptTemplates.All));

    /// <summary>The policy: loaded from <see cref="ModelOptions.Path"/>, or a fresh preset; in eval mode, with
    /// <see cref="ModelOptions.GradientCheckpointing"/> applied.</summary>
    public ICausalLanguageModel CreateModel(ITextTokenizer tokenizer)
    {
        var model = !string.IsNullOrWhiteSpace(O.Model.Path)
            ? ModelStore.Load(O.Model.Path).Model
            : ModelStore.Create(O.Model, tokenizer, O.Seed);
        model.GradientCheckpointing = O.Model.GradientCheckpointing;
        model.Module.eval();
        return model;
    }

    /// <summary>The reward pipeline composed from the <c>rewards</c> section (the paper's defaults when it is absent).</summary>
    public RewardPipeline CreateRewards()
    {
        // The container the runner was given (with the user's own rewards), else one composed from the experiment alone.
        var provider = services ?? new ServiceCollection().AddAudioThinker(Experiment.Configuration).BuildServiceProvider();
        return provider.GetRequiredService<RewardPipeline>();
    }

    /// <summary>Runs every stage; <paramref name="resume"/> continues a run folder's GRPO from its newest checkpoint.</summary>
    public async Task<ExperimentResult> RunAsync(bool resume = false, CancellationToken cancellationToken = default)
    {
        TorchRuntime.Initialize(new DeviceOptions { Device = O.Device, CpuThreads = O.Threads });
        var folder = Path.GetFullPath(O.Output.Dir);
        using var runLock = RunLock.Acquire(folder);
        Stage?.Invoke("data");
        var data = LoadData();
        var tokenizer = CreateTokenizer(data);
        var model = CreateModel(tokenizer);
        var session = new PolicySession(model, tokenizer, data.AudioBaseDirectory);

        TrainingSummary? sft = null;
        var sftFolder = Path.Combine(folder, "sft");
        var sftDone = new CheckpointStore(sftFolder).Latest();
        // The folder holding the weights GRPO starts from (LoRA checkpoints name it as their base model).
        var baseModel = string.IsNullOrWhiteSpace(O.Model.Path) ? null : Path.GetFullPath(O.Model.Path);
        if (O.Sft.Steps > 0 && resume && sftDone is not null)
        {
            Stage?.Invoke("sft: reusing " + sftDone);
            var (saved, _) = ModelStore.Load(Path.Combine(sftDone, "model"));
            ModelStore.CopyWeights(saved, model);
            baseModel = Path.Combine(sftDone, "model");
        }
        else if (O.Sft.Steps > 0)
        {
            Stage?.Invoke($"sft: {O.Sft.Steps} steps");
            using var trainer = new SftTrainer(session, O.Sft, data.Train, O.Seed, TrainerOutput.From(O.Output, sftFolder));
            trainer.StepCompleted += m => StepCompleted?.Invoke(m);
            sft = trainer.Run(cancellationToken);
            baseModel = sft.LastCheckpoint is { } done ? Path.Combine(done, "model") : null;
        }

        var template = PromptTemplates.Get(O.Prompt);
        TrainingSummary? grpo = null;
        if (O.Grpo.Steps > 0)
        {
            Stage?.Invoke($"grpo: {O.Grpo.Steps} steps, prompt '{template.Name}'");
            grpo = await TrainGrpoAsync(session, data, template, Path.Combine(folder, "grpo"), resume, cancellationToken, baseModel).ConfigureAwait(false);
        }

        EvaluationSummary? evaluation = null;
        if (data.Test.Count > 0)
        {
            Stage?.Invoke($"eval: {data.Test.Count} questions");
            evaluation = await EvaluateAsync(session, data.Test, template, Path.Combine(folder, "eval"), cancellationToken).ConfigureAwait(false);
        }
        return new ExperimentResult(folder, sft, grpo, evaluation);
    }

    /// <summary>
    /// GRPO on <paramref name="session"/>'s model. Training all weights, the KL reference is a frozen copy of the weights it
    /// starts from, saved in the run folder so that a resume compares against the same reference. With
    /// <see cref="ModelOptions.LoraRank"/> &gt; 0, adapters are attached first, only they train, the reference is the model
    /// with its adapters off, and checkpoints hold the adapters on top of <paramref name="baseModelDirectory"/> (the folder
    /// the starting weights came from; when null they are saved once to <c>{folder}/base</c>).
    /// </summary>
    public async Task<TrainingSummary> TrainGrpoAsync(PolicySession session, ExperimentData data, PromptTemplate template, string folder, bool resume,
        CancellationToken cancellationToken, string? baseModelDirectory = null)
    {
        PolicySession? reference = null;
        var referenceDir = Path.Combine(folder, "reference");
        AdapterTraining? adapter = null;
        if (O.Model.LoraRank > 0)
        {
            baseModelDirectory ??= SaveOnce(session, Path.Combine(folder, "base"));
            var config = O.Model.ToLoraConfig();
            var adapted = LoraAdapters.Apply(session.Model.Module, config, O.Seed);
            Stage?.Invoke($"grpo: LoRA r = {config.Rank}, α = {config.Alpha} on {adapted.Count} projections; base {baseModelDirectory}");
            adapter = new AdapterTraining(config, baseModelDirectory);
            if (O.Grpo.Beta > 0)
            {
                reference = session.WithAdaptersDisabled();
            }
        }
        else if (O.Grpo.Beta > 0)
        {
            // The folder appears by rename only once it is whole, so a run killed while writing it never resumes from half a reference.
            var frozen = resume && File.Exists(Path.Combine(referenceDir, "config.json"))
                // Weights only: the reference folder holds no tokenizer (the session's is the one in use).
                ? PretrainedModels.Load(referenceDir, new LoadOptions { DType = session.Model.DType, Device = session.Model.Device })
                : FrozenReference(session, referenceDir);
            foreach (var p in frozen.Module.parameters())
            {
                p.requires_grad = false;
            }
            reference = new PolicySession(frozen, session.Tokenizer, data.AudioBaseDirectory);
        }
        using var trainer = new GrpoTrainer(session, reference, CreateRewards(), O.Grpo, template, data.Train, O.Seed, TrainerOutput.From(O.Output, folder), adapter);
        trainer.StepCompleted += m => StepCompleted?.Invoke(m);
        if (resume && trainer.TryResume())
        {
            Stage?.Invoke($"grpo: resumed at step {trainer.Step}");
        }
        return await trainer.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    // Writes the model to `directory` unless a whole copy is already there (a resumed run's); returns the folder.
    private static string SaveOnce(PolicySession session, string directory)
    {
        if (!File.Exists(Path.Combine(directory, "config.json")))
        {
            WriteFolder(directory, temp => ModelStore.Save(session.Model, session.Tokenizer, temp));
        }
        return directory;
    }

    private static ICausalLanguageModel FrozenReference(PolicySession session, string referenceDir)
    {
        ICausalLanguageModel? frozen = null;
        WriteFolder(referenceDir, temp => frozen = ModelStore.FrozenCopy(session.Model, temp));
        return frozen!;
    }

    // Fills a temporary folder, then renames it over `directory`, so the folder never appears half written.
    internal static void WriteFolder(string directory, Action<string> write)
    {
        var temp = $"{directory}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }
        write(temp);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Directory.Move(temp, directory);
    }

    /// <summary>Greedy evaluation with the rule-based consistency judge.</summary>
    public static Task<EvaluationSummary> EvaluateAsync(PolicySession session, IReadOnlyList<AudioQuestion> test, PromptTemplate template, string folder,
        CancellationToken cancellationToken, int maxNewTokens = 128) =>
        new PolicyEvaluator(session, new RuleBasedJudge(), maxNewTokens).EvaluateAsync(test, template, folder, cancellationToken);
}

/// <summary>Registers AudioThinker's components from configuration.</summary>
public static class AudioThinkerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the rewards and judges (from the <c>rewards</c> section; see <see cref="RewardsServiceCollectionExtensions"/>) and the
    /// experiment options bound strictly from the rest. A custom reward is one more line: <c>services.AddReward&lt;T&gt;("name")</c>.
    /// </summary>
    public static IServiceCollection AddAudioThinker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAudioThinkerRewards(configuration.GetSection("rewards"), configuration.GetSection("judges"));
        services.AddSingleton(_ => Experiment.FromConfiguration(configuration, "configuration"));
        services.AddSingleton(sp => sp.GetRequiredService<Experiment>().Options);
        services.AddSingleton(sp => new ExperimentRunner(sp.GetRequiredService<Experiment>(), sp));
        return services;
    }
}
