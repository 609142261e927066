using System.Diagnostics;
using System.Text.Json;
using AudioThinker.Abstractions;
using AudioThinker.Grpo.Checkpoints;
using AudioThinker.Grpo.Metrics;
using AudioThinker.Grpo.Options;
using AudioThinker.Policies.Loading;
using AudioThinker.Policies.Lora;
using AudioThinker.Policies.Prompts;
using AudioThinker.Rewards.Matching;
using AudioThinker.Rewards.Parsing;
using AudioThinker.Rewards.Pipeline;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Grpo.Training;

/// <summary>A reward or the loss was NaN or infinite; the message names which, and the sample.</summary>
public sealed class NonFiniteException(string message) : Exception(message);

/// <summary>Where a trainer writes: metrics, samples, checkpoints, plots.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="CheckpointEvery">Checkpoint every N steps (and at the end).</param>
/// <param name="KeepCheckpoints">Checkpoints kept.</param>
/// <param name="SampleEvery">Log sample completions every N steps (0: never).</param>
public sealed record TrainerOutput(string Folder, int CheckpointEvery = 50, int KeepCheckpoints = 2, int SampleEvery = 10)
{
    /// <summary>From the experiment's output options, in a sub-folder.</summary>
    public static TrainerOutput From(OutputOptions o, string folder) => new(folder, o.CheckpointEvery, o.KeepCheckpoints, o.SampleEvery);
}

/// <summary>GRPO on LoRA adapters: checkpoints then hold the adapters (PEFT layout, naming the base model folder) instead
/// of the whole model.</summary>
/// <param name="Config">The attached adapters' settings.</param>
/// <param name="BaseModelDirectory">The folder holding the base weights the adapters sit on.</param>
public sealed record AdapterTraining(LoraConfig Config, string BaseModelDirectory);

/// <summary>What a finished (or interrupted) run reports.</summary>
/// <param name="StepsDone">Steps completed in total (including before a resume).</param>
/// <param name="SkippedSteps">Steps skipped for non-finite values.</param>
/// <param name="LastCheckpoint">The newest checkpoint folder.</param>
/// <param name="Metrics">Every step's metrics of this phase.</param>
public sealed record TrainingSummary(int StepsDone, int SkippedSteps, string? LastCheckpoint, IReadOnlyList<StepMetrics> Metrics);

/// <summary>
/// The GRPO trainer. Each step: draw questions (<see cref="DataOrder"/>), sample G completions each at the step's seed,
/// score them (<see cref="RewardPipeline"/>: rewards, Eq. 7 total, group advantages), then μ passes of the clipped
/// surrogate with β·k3 KL to the frozen reference (<see cref="GrpoLoss"/>), gradient accumulation over micro-batches of
/// questions, gradient clipping and AdamW. Sampling and data order are pure functions of (seed, step) and the optimizer
/// state is explicit, so resuming from a checkpoint continues exactly as the uninterrupted run would (on CPU).
/// </summary>
public sealed class GrpoTrainer : IDisposable
{
    private const string Phase = "grpo";
    private readonly PolicySession _policy;
    private readonly PolicySession? _reference;
    private readonly RewardPipeline _rewards;
    private readonly GrpoOptions _options;
    private readonly PromptTemplate _template;
    private readonly IReadOnlyList<AudioQuestion> _train;
    private readonly int _seed;
    private readonly TrainerOutput _output;
    private readonly AdamW _optimizer;
    private readonly LearningRateSchedule _schedule;
    private readonly DataOrder _order;
    private readonly CheckpointStore _checkpoints;
    private readonly AdapterTraining? _adapter;
    private readonly IReadOnlyList<int> _thinkTag; // the tokens of <think>, for the think decision's metrics
    private int _step;
    private int _skipped;
    private int _skippedInARow;
    private bool _beforeUpdate;

    /// <summary>Creates a trainer.</summary>
    /// <param name="policy">The policy to train.</param>
    /// <param name="reference">The frozen reference for the KL term (required when β &gt; 0).</param>
    /// <param name="rewards">The reward pipeline.</param>
    /// <param name="options">GRPO settings.</param>
    /// <param name="template">The prompt template the policy is asked with.</param>
    /// <param name="train">The training questions.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="output">Where to write.</param>
    /// <param name="adapter">Set when only LoRA adapters train (already attached to the policy's model).</param>
    public GrpoTrainer(PolicySession policy, PolicySession? reference, RewardPipeline rewards, GrpoOptions options, PromptTemplate template,
        IReadOnlyList<AudioQuestion> train, int seed, TrainerOutput output, AdapterTraining? adapter = null)
    {
        if (options.Beta > 0 && reference is null)
        {
            throw new ArgumentException("grpo.beta > 0 needs a reference model", nameof(reference));
        }
        if (train.Count == 0)
        {
            throw new ArgumentException("no training questions", nameof(train));
        }
        if (adapter is not null && !LoraAdapters.HasAdapters(policy.Model.Module))
        {
            throw new ArgumentException("adapter training was asked for, but the policy's model has no LoRA adapter attached", nameof(adapter));
        }
        _adapter = adapter;
        _policy = policy;
        _thinkTag = policy.Tokenizer.Encode(TaggedResponseParser.ThinkOpen);
        _reference = options.Beta > 0 ? reference : null;
        _rewards = rewards;
        _options = options;
        _template = template;
        _train = train;
        _seed = seed;
        _output = output;
        _optimizer = new AdamW(ModelStore.Trainable(policy.Model), weightDecay: options.WeightDecay);
        _schedule = new LearningRateSchedule(options.LearningRate, options.WarmupSteps, options.Steps * options.InnerIterations, options.Schedule);
        _order = new DataOrder(train.Count, options.QuestionsPerStep, seed);
        _checkpoints = new CheckpointStore(output.Folder, output.KeepCheckpoints);
    }

    /// <summary>Steps completed.</summary>
    public int Step => _step;

    /// <summary>Called after every step with its metrics (progress display).</summary>
    public event Action<StepMetrics>? StepCompleted;

    /// <summary>Continues from the newest checkpoint in the run folder, if there is one. Returns whether it did.</summary>
    public bool TryResume()
    {
        var latest = _checkpoints.All().LastOrDefault(d => Path.GetFileName(d).Contains("-grpo-", StringComparison.Ordinal));
        if (latest is null)
        {
            return false;
        }
        var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(latest, TrainerState.FileName)))
                    ?? throw new InvalidDataException($"{latest}: empty trainer state");
        var modelDir = Path.Combine(latest, "model");
        if (ModelStore.IsAdapter(modelDir) != (_adapter is not null))
        {
            throw new InvalidDataException(_adapter is null
                ? $"{modelDir}: the checkpoint holds LoRA adapters, but this run trains all weights (model.loraRank is 0)"
                : $"{modelDir}: the checkpoint holds a whole model, but this run trains LoRA adapters (model.loraRank > 0)");
        }
        if (_adapter is not null)
        {
            LoraAdapters.LoadPeftWeights(_policy.Model.Module, modelDir);
        }
        else
        {
            var (saved, _) = ModelStore.Load(modelDir, dtype: _policy.Model.DType);
            ModelStore.CopyWeights(saved, _policy.Model);
            saved.Module.Dispose();
        }
        using (var file = SafeTensorsFile.Open(Path.Combine(latest, "optimizer.safetensors")))
        {
            _optimizer.LoadState(state.OptimizerSteps, file.Tensors.Keys.ToDictionary(k => k, file.Read, StringComparer.Ordinal));
        }
        _step = state.Step;
        _skipped = state.Skipped;
        _skippedInARow = state.SkippedInARow;
        return true;
    }

    /// <summary>Runs the remaining steps (all of them, or from where <see cref="TryResume"/> left off), then checkpoints and
    /// draws the plots. Cancelling checkpoints the last completed step before it returns, and so does a failure while sampling
    /// or scoring (a judge outage past its retries) before it propagates.</summary>
    public async Task<TrainingSummary> RunAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_output.Folder);
        using var log = new MetricsLog(Path.Combine(_output.Folder, "metrics.jsonl"));
        var all = new List<StepMetrics>();
        string? last = null;
        try
        {
            while (_step < _options.Steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var metrics = await StepAsync(cancellationToken).ConfigureAwait(false);
                _beforeUpdate = false;
                _step++;
                var m = new StepMetrics(Phase, _step, metrics);
                log.Write(m);
                all.Add(m);
                StepCompleted?.Invoke(m);
                if (_step % _output.CheckpointEvery == 0 || _step == _options.Steps)
                {
                    last = SaveCheckpoint();
                }
            }
        }
        catch (OperationCanceledException)
        {
            last = SaveCheckpoint();
            throw;
        }
        catch (Exception) when (_beforeUpdate)
        {
            // Sampling or scoring failed (a judge down past its retries, say) before any update: the weights and optimizer
            // are still the last completed step's, so keep that step unless it is already checkpointed.
            _beforeUpdate = false;
            if (_step > 0 && Path.GetFileName(_checkpoints.Latest()) != $"step-{Phase}-{_step:D6}")
            {
                SaveCheckpoint();
            }
            throw;
        }
        TrainingPlots.Draw(MetricsLog.Read(log.Path).Where(x => x.Phase == Phase).ToList(), Path.Combine(_output.Folder, "plots"));
        return new TrainingSummary(_step, _skipped, last ?? _checkpoints.Latest(), all);
    }

    private async Task<Dictionary<string, double>> StepAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        _beforeUpdate = true;
        var questions = _order.At(_step).Select(i => _train[i]).ToList();
        var g = _options.GroupSize;
        var prompts = questions.Select(q => _policy.Encode(q, _template)).ToList();
        var repeated = prompts.SelectMany(p => Enumerable.Repeat(p, g)).ToList();

        // 1. Rollouts, in eval mode (no adapter dropout); only the loss passes below run in training mode.
        _policy.Model.Module.eval();
        var genOptions = new GenerationOptions
        {
            MaxNewTokens = _options.MaxCompletionTokens,
            Temperature = _options.Temperature,
            TopP = _options.TopP,
            Seed = DataOrder.StepSeed(_seed, _step),
        };
        var sequences = _policy.Generate(repeated, genOptions, cancellationToken);
        var thinkProbability = ThinkProbability(prompts);
        var rolloutSeconds = clock.Elapsed.TotalSeconds;
        var groups = new List<RolloutGroup>();
        for (var q = 0; q < questions.Count; q++)
        {
            var rollouts = new List<Rollout>();
            for (var i = 0; i < g; i++)
            {
                rollouts.Add(Rollout.From(sequences[q * g + i], TaggedResponseParser.Instance));
            }
            groups.Add(new RolloutGroup(questions[q], rollouts));
        }

        // 2. Rewards and advantages.
        RewardPipelineResult scored;
        try
        {
            scored = await _rewards.ScoreAsync(groups, new RewardContext(_step, _options.Steps), cancellationToken).ConfigureAwait(false);
        }
        catch (NonFiniteRewardException e)
        {
            return Skip($"at step {_step + 1}: {e.Message}", clock);
        }
        var nonFinite = FindNonFinite(groups, scored);
        if (nonFinite is not null)
        {
            return Skip(nonFinite, clock);
        }
        var advantages = scored.Breakdowns.SelectMany(row => row.Select(b => (float)b.Advantage)).ToArray();

        // 3. Policy update: old and reference log-probs are fixed for the μ passes. Adapter dropout masks, like sampling,
        // are a function of (seed, step), so a resumed run draws the masks the uninterrupted one did.
        _beforeUpdate = false;
        LoraAdapters.SeedDropout(_policy.Model.Module, DataOrder.StepSeed(_seed, _step, salt: 1));
        var completions = sequences.Select(s => s.TokenIds).ToList();
        var keep = sequences.Select(s => !(_options.MaskTruncated && s.Truncated)).ToArray();
        var micro = MicroBatches(questions.Count * g, _options.GradientAccumulation, g);
        var old = new List<Tensor>();
        var reference = new List<Tensor?>();
        using (torch.no_grad())
        {
            foreach (var (start, count) in micro)
            {
                using var scope = torch.NewDisposeScope();
                old.Add(_policy.LogProbs(repeated.GetRange(start, count), completions.GetRange(start, count), _options.Temperature).LogProbs.DetachFromDisposeScope());
                reference.Add(_reference?.LogProbs(repeated.GetRange(start, count), completions.GetRange(start, count), _options.Temperature).LogProbs.DetachFromDisposeScope());
            }
        }
        double klSum = 0, clipSum = 0, gradNorm = 0, lossSum = 0;
        long tokens = 0;
        double lr = 0;
        var maxLen = Math.Max(1, completions.Max(c => c.Count));
        _policy.Model.Module.train(); // adapter dropout and gradient checkpointing apply to these passes only
        try
        {
            for (var pass = 0; pass < _options.InnerIterations; pass++)
            {
                _optimizer.ZeroGrad();
                for (var k = 0; k < micro.Count; k++)
                {
                    using var scope = torch.NewDisposeScope();
                    var (start, count) = micro[k];
                    var (logp, mask) = _policy.LogProbs(repeated.GetRange(start, count), completions.GetRange(start, count), _options.Temperature);
                    var keepMask = torch.tensor(keep[start..(start + count)].Select(x => x ? 1f : 0f).ToArray(), device: logp.device).unsqueeze(1);
                    var adv = torch.tensor(advantages[start..(start + count)], device: logp.device);
                    var result = GrpoLoss.Compute(logp, old[k], reference[k], adv, mask * keepMask,
                        new GrpoLossOptions(_options.EpsilonLow, _options.EpsilonHigh, _options.Beta, _options.Loss, _options.MaxCompletionTokens));
                    var loss = result.Loss / micro.Count;
                    var value = loss.item<float>();
                    if (!float.IsFinite(value))
                    {
                        _optimizer.ZeroGrad();
                        DisposeAll(old, reference);
                        return Skip($"the loss is {value} at step {_step + 1} (micro-batch {k}, questions {string.Join(", ", questions.Select(q => q.Id))})", clock);
                    }
                    loss.backward();
                    lossSum += value;
                    klSum += result.MeanKl * result.TokenCount;
                    clipSum += result.ClipRatio * result.TokenCount;
                    tokens += result.TokenCount;
                }
                gradNorm = _optimizer.ClipGradNorm(_options.MaxGradNorm);
                lr = _schedule.At((int)_optimizer.Steps);
                _optimizer.Step(lr);
            }
        }
        finally
        {
            _policy.Model.Module.eval();
        }
        DisposeAll(old, reference);
        _skippedInARow = 0;
        var elapsed = clock.Elapsed.TotalSeconds;

        if (_output.SampleEvery > 0 && (_step + 1) % _output.SampleEvery == 0)
        {
            WriteSamples(groups, scored);
        }
        var metrics = Metrics(groups, scored, sequences, thinkProbability, lossSum / _options.InnerIterations, tokens == 0 ? 0 : klSum / tokens, tokens == 0 ? 0 : clipSum / tokens,
            gradNorm, lr, rolloutSeconds, elapsed);
        AddThinkPush(metrics, groups, sequences, advantages, keep, thinkProbability);
        return metrics;
    }

    private static void DisposeAll(List<Tensor> old, List<Tensor?> reference)
    {
        old.ForEach(t => t.Dispose());
        reference.ForEach(t => t?.Dispose());
    }

    private Dictionary<string, double> Skip(string why, Stopwatch clock)
    {
        if (_options.OnNonFinite == "error")
        {
            throw new NonFiniteException(why);
        }
        _skipped++;
        _skippedInARow++;
        if (_skippedInARow >= _options.MaxSkippedInARow)
        {
            throw new NonFiniteException($"{_skippedInARow} steps in a row skipped for non-finite values (grpo.maxSkippedInARow); last: {why}");
        }
        return new Dictionary<string, double> { ["skipped"] = 1, ["skipped_total"] = _skipped, ["step_time_s"] = clock.Elapsed.TotalSeconds };
    }

    private static string? FindNonFinite(IReadOnlyList<RolloutGroup> groups, RewardPipelineResult scored)
    {
        for (var g = 0; g < scored.Breakdowns.Count; g++)
        {
            for (var i = 0; i < scored.Breakdowns[g].Count; i++)
            {
                var b = scored.Breakdowns[g][i];
                foreach (var (name, value) in b.Components)
                {
                    if (!double.IsFinite(value))
                    {
                        return $"reward '{name}' is {value} for question '{groups[g].Question.Id}', completion {i}";
                    }
                }
                if (!double.IsFinite(b.Total) || !double.IsFinite(b.Advantage))
                {
                    return $"the total reward ({b.Total}) or advantage ({b.Advantage}) is not finite for question '{groups[g].Question.Id}', completion {i}";
                }
            }
        }
        return null;
    }

    // Micro-batches hold whole groups, so every micro-batch sees complete groups' completions.
    private static List<(int Start, int Count)> MicroBatches(int rows, int parts, int groupSize)
    {
        var groupsTotal = rows / groupSize;
        var perPart = Math.Max(1, groupsTotal / parts);
        var list = new List<(int, int)>();
        for (var gIndex = 0; gIndex < groupsTotal; gIndex += perPart)
        {
            var n = Math.Min(perPart, groupsTotal - gIndex);
            list.Add((gIndex * groupSize, n * groupSize));
        }
        return list;
    }

    // The sampling policy's probability that a response to each prompt opens with <think>: the think decision itself, which
    // the sampled think rate only estimates from G draws.
    private double[] ThinkProbability(IReadOnlyList<EncodedPrompt> prompts)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (logp, mask) = _policy.LogProbs(prompts, prompts.Select(_ => _thinkTag).ToList(), _options.Temperature);
        using var total = (logp * mask).sum(1).exp().cpu();
        return total.data<float>().Select(x => (double)x).ToArray();
    }

    // What the policy-gradient term asks of the think decision: the derivative of the step's objective (first pass, ratio 1,
    // without KL) with respect to the logit of opening with <think>, Σ_i w_i·Â_i·(1[i opens with <think>] − p), with w_i
    // each completion's token weight in the loss's aggregation. Summed by level; positive pushes towards thinking. Set
    // beside think_prob, it shows whether the reward's signal reaches the decision and whether the decision follows it.
    private void AddThinkPush(Dictionary<string, double> m, List<RolloutGroup> groups, IReadOnlyList<Completion> sequences, float[] advantages, bool[] keep,
        double[] thinkProbability)
    {
        var weights = GrpoLoss.TokenWeights(sequences.Select((s, i) => keep[i] ? s.TokenIds.Count : 0).ToList(), _options.Loss, _options.MaxCompletionTokens);
        var g = _options.GroupSize;
        var byLevel = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var q = 0; q < groups.Count; q++)
        {
            double push = 0;
            for (var i = q * g; i < (q + 1) * g; i++)
            {
                var thinks = sequences[i].TokenIds.Take(_thinkTag.Count).SequenceEqual(_thinkTag) ? 1.0 : 0.0;
                push += weights[i] * advantages[i] * (thinks - thinkProbability[q]);
            }
            var level = groups[q].Question.Difficulty.ToString().ToLowerInvariant();
            byLevel[level] = byLevel.GetValueOrDefault(level) + push;
        }
        m["think_push"] = byLevel.Values.Sum();
        foreach (var (level, push) in byLevel)
        {
            m[$"think_push/{level}"] = push;
        }
    }

    private Dictionary<string, double> Metrics(List<RolloutGroup> groups, RewardPipelineResult scored, IReadOnlyList<Completion> sequences,
        double[] thinkProbability, double loss, double kl, double clip, double gradNorm, double lr, double rolloutSeconds, double elapsed)
    {
        var m = new Dictionary<string, double>(StringComparer.Ordinal);
        var flat = scored.Breakdowns.SelectMany(r => r).ToList();
        foreach (var name in _rewards.Names)
        {
            var values = flat.Select(b => b.Components[name]).ToList();
            m[$"reward/{name}/mean"] = values.Average();
            m[$"reward/{name}/std"] = Std(values);
        }
        m["reward/total/mean"] = flat.Average(b => b.Total);
        m["reward/total/std"] = Std(flat.Select(b => b.Total).ToList());
        // Each rollout's correctness once: accuracy is reported overall, by level and by mode.
        var rollouts = groups.SelectMany(gr => gr.Rollouts.Select(r => (gr.Question, Rollout: r, Correct: AnswerMatcher.Default.IsCorrect(r.Parsed.Answer, gr.Question)))).ToList();
        m["think_rate"] = rollouts.Count(x => x.Rollout.Mode == ResponseMode.Think) / (double)rollouts.Count;
        m["invalid_rate"] = rollouts.Count(x => x.Rollout.Mode == ResponseMode.Invalid) / (double)rollouts.Count;
        m["accuracy"] = rollouts.Count(x => x.Correct) / (double)rollouts.Count;
        m["think_prob"] = thinkProbability.Average();
        foreach (var level in new[] { Difficulty.Easy, Difficulty.Medium, Difficulty.Hard })
        {
            var of = rollouts.Where(x => x.Question.Difficulty == level).ToList();
            if (of.Count > 0)
            {
                var name = level.ToString().ToLowerInvariant();
                m[$"think_rate/{name}"] = of.Count(x => x.Rollout.Mode == ResponseMode.Think) / (double)of.Count;
                m[$"accuracy/{name}"] = of.Count(x => x.Correct) / (double)of.Count;
                m[$"think_prob/{name}"] = Enumerable.Range(0, groups.Count).Where(i => groups[i].Question.Difficulty == level).Average(i => thinkProbability[i]);
            }
        }
        foreach (var mode in new[] { ResponseMode.Think, ResponseMode.NoThink })
        {
            var modeName = mode == ResponseMode.Think ? "think" : "no_think";
            var inMode = rollouts.Where(x => x.Rollout.Mode == mode).ToList();
            if (inMode.Count == 0)
            {
                continue;
            }
            m[$"length/{modeName}"] = inMode.Average(x => x.Rollout.TokenIds.Count);
            // Each mode's accuracy, overall and by level: whether thinking pays where it is sampled (ATAR rewards it
            // only where it is enough more accurate than answering directly).
            m[$"accuracy/{modeName}"] = inMode.Count(x => x.Correct) / (double)inMode.Count;
            foreach (var level in inMode.Where(x => x.Question.Difficulty is Difficulty.Easy or Difficulty.Medium or Difficulty.Hard).GroupBy(x => x.Question.Difficulty))
            {
                m[$"accuracy/{modeName}/{level.Key.ToString().ToLowerInvariant()}"] = level.Count(x => x.Correct) / (double)level.Count();
            }
        }
        m["truncated_rate"] = rollouts.Count(x => x.Rollout.Truncated) / (double)rollouts.Count;
        m["loss"] = loss;
        m["kl"] = kl;
        m["clip_ratio"] = clip;
        // Per-token entropy estimated by the mean negative log-probability of the sampled tokens.
        var lps = sequences.SelectMany(s => s.LogProbs).ToList();
        m["entropy"] = lps.Count == 0 ? 0 : -lps.Average(x => (double)x);
        m["grad_norm"] = gradNorm;
        m["lr"] = lr;
        m["zero_variance_groups"] = scored.Diagnostics.ZeroVarianceGroups / (double)Math.Max(1, scored.Diagnostics.Groups);
        m["unparsed_judge_verdicts"] = scored.Diagnostics.UnparsedJudgeVerdicts;
        var newTokens = sequences.Sum(s => s.TokenIds.Count);
        var trainTokens = sequences.Sum(s => s.TokenIds.Count) * _options.InnerIterations;
        m["rollout_tokens_per_s"] = newTokens / Math.Max(1e-9, rolloutSeconds);
        m["train_tokens_per_s"] = trainTokens / Math.Max(1e-9, elapsed - rolloutSeconds);
        m["step_time_s"] = elapsed;
        m["skipped_total"] = _skipped;
        return m;
    }

    private static double Std(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2)
        {
            return 0;
        }
        var mean = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / xs.Count);
    }

    private void WriteSamples(List<RolloutGroup> groups, RewardPipelineResult scored)
    {
        using var writer = File.AppendText(Path.Combine(_output.Folder, "samples.jsonl"));
        for (var gi = 0; gi < groups.Count; gi++)
        {
            for (var i = 0; i < Math.Min(2, groups[gi].Rollouts.Count); i++)
            {
                var b = scored.Breakdowns[gi][i];
                writer.WriteLine(JsonSerializer.Serialize(new
                {
                    step = _step + 1,
                    question = groups[gi].Question.Id,
                    difficulty = groups[gi].Question.Difficulty.ToString().ToLowerInvariant(),
                    answer = groups[gi].Question.Answer,
                    completion = groups[gi].Rollouts[i].Text,
                    mode = groups[gi].Rollouts[i].Mode.ToString(),
                    rewards = b.Components,
                    total = b.Total,
                    advantage = b.Advantage,
                }));
            }
        }
    }

    private string SaveCheckpoint() => _checkpoints.Save(Phase, _step, dir =>
    {
        if (_adapter is not null)
        {
            ModelStore.SaveAdapter(_policy.Model, _policy.Tokenizer, _adapter.Config, _adapter.BaseModelDirectory, Path.Combine(dir, "model"));
        }
        else
        {
            ModelStore.Save(_policy.Model, _policy.Tokenizer, Path.Combine(dir, "model"));
        }
        SafeTensorsFile.Write(Path.Combine(dir, "optimizer.safetensors"), _optimizer.StateTensors().ToList());
        File.WriteAllText(Path.Combine(dir, TrainerState.FileName), JsonSerializer.Serialize(new TrainerState
        {
            Phase = Phase,
            Step = _step,
            Seed = _seed,
            OptimizerSteps = _optimizer.Steps,
            Skipped = _skipped,
            SkippedInARow = _skippedInARow,
            TotalSteps = _options.Steps,
        }));
    });

    /// <inheritdoc />
    public void Dispose() => _optimizer.Dispose();
}

/// <summary>The trainer's own state in a checkpoint (<c>trainer.json</c>). Data order and sampling seeds are functions of
/// (seed, step), so these numbers are all the randomness a resume needs.</summary>
public sealed class TrainerState
{
    /// <summary>The file name.</summary>
    public const string FileName = "trainer.json";

    /// <summary>sft or grpo.</summary>
    public string Phase { get; set; } = "";

    /// <summary>Steps completed.</summary>
    public int Step { get; set; }

    /// <summary>Planned steps.</summary>
    public int TotalSteps { get; set; }

    /// <summary>The run's seed.</summary>
    public int Seed { get; set; }

    /// <summary>Optimizer steps taken (Adam's bias correction).</summary>
    public long OptimizerSteps { get; set; }

    /// <summary>Steps skipped for non-finite values.</summary>
    public int Skipped { get; set; }

    /// <summary>Of those, how many in a row at the end.</summary>
    public int SkippedInARow { get; set; }
}
