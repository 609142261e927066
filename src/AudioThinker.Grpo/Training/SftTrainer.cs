using System.Diagnostics;
using AudioThinker.Abstractions;
using AudioThinker.Grpo.Checkpoints;
using AudioThinker.Grpo.Metrics;
using AudioThinker.Grpo.Options;
using AudioThinker.Policies.Prompts;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Grpo.Training;

/// <summary>One supervised example: a prompt and the response the model should give.</summary>
/// <param name="Prompt">The encoded prompt.</param>
/// <param name="Response">The response text.</param>
/// <param name="Thinks">Whether the response thinks.</param>
public sealed record Demonstration(EncodedPrompt Prompt, string Response, bool Thinks);

/// <summary>
/// Supervised warm-up for models trained from scratch: cross-entropy on reference responses, a mix of thinking
/// (<c>&lt;think&gt;reference reasoning&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c>) and direct
/// (<c>&lt;answer&gt;…&lt;/answer&gt;</c>) demonstrations under the prompt templates of <see cref="SftOptions.PromptMix"/>,
/// so that GRPO starts from a policy that can do both and chooses between them about evenly.
/// </summary>
public sealed class SftTrainer : IDisposable
{
    private const string Phase = "sft";
    private const string TextPhase = "sft-text";
    private readonly PolicySession _policy;
    private readonly SftOptions _options;
    private readonly IReadOnlyList<AudioQuestion> _train;
    private readonly int _seed;
    private readonly TrainerOutput _output;
    private readonly AdamW _optimizer;

    /// <summary>Creates the trainer.</summary>
    public SftTrainer(PolicySession policy, SftOptions options, IReadOnlyList<AudioQuestion> train, int seed, TrainerOutput output)
    {
        _policy = policy;
        _options = options;
        _train = train;
        _seed = seed;
        _output = output;
        _optimizer = new AdamW(ModelStore.Trainable(policy.Model), weightDecay: 0.01);
    }

    /// <summary>Called after every step.</summary>
    public event Action<StepMetrics>? StepCompleted;

    /// <summary>The demonstration for question <paramref name="index"/> at <paramref name="epoch"/>: template and mode drawn from
    /// (seed, index, epoch), so every epoch shows a question under a fresh draw.</summary>
    public Demonstration DemonstrationFor(int index, int epoch)
    {
        var q = _train[index];
        var rng = new Random((int)(DataOrder.StepSeed(_seed, index, 7919 + epoch) & 0x7fffffff));
        var template = PickTemplate(rng.NextDouble());
        var share = q.SubCategory is not null && _options.ThinkShareBySubCategory.TryGetValue(q.SubCategory, out var bySub) ? bySub
            : _options.ThinkShare.Count == 3 ? _options.ThinkShare[Math.Clamp((int)q.Difficulty - 1, 0, 2)] : _options.ThinkShare[0];
        var thinks = template.Name switch
        {
            "think" => true,
            "direct" => false,
            _ => rng.NextDouble() < share,
        };
        if (string.IsNullOrWhiteSpace(q.ReferenceReasoning))
        {
            thinks = false;
        }
        var response = thinks ? $"<think>{q.ReferenceReasoning}</think><answer>{q.Answer}</answer>" : $"<answer>{q.Answer}</answer>";
        return new Demonstration(_policy.Encode(q, template), response, thinks);
    }

    /// <summary>The text-only demonstration for question <paramref name="index"/>: its thinking demonstration under the
    /// <c>think</c> prompt with the audio left out and what is heard in it written before the question
    /// (<see cref="HeardFacts"/>), so the chain's written steps are learned from it and nothing is learned to be made up.</summary>
    public Demonstration TextDemonstrationFor(int index)
    {
        var q = _train[index];
        var reasoning = q.ReferenceReasoning ?? "";
        var heard = HeardFacts(reasoning);
        var written = q with { Audio = null, Question = heard.Length > 0 ? $"{heard} {q.Question}" : q.Question };
        return new Demonstration(_policy.Encode(written, PromptTemplates.Think), $"<think>{reasoning}</think><answer>{q.Answer}</answer>", true);
    }

    private static readonly HashSet<string> AttributeWords = new(StringComparer.Ordinal) { "high", "low", "loud", "quiet" };

    /// <summary>The sentences of a reference reasoning that are read off the audio rather than worked out: facts whose value is
    /// made of attribute words only ("sequence: high low high.", "first beep pitch: low."), in order.</summary>
    public static string HeardFacts(string reasoning) => string.Join(" ", reasoning.Split(". ", StringSplitOptions.RemoveEmptyEntries)
        .Select(sentence => sentence.TrimEnd('.'))
        .Where(sentence => sentence.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon
            && sentence[(colon + 1)..].Split([' ', ','], StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } words && words.All(AttributeWords.Contains))
        .Select(sentence => sentence + "."));

    private PromptTemplate PickTemplate(double u)
    {
        var total = _options.PromptMix.Values.Sum();
        var acc = 0.0;
        foreach (var (name, weight) in _options.PromptMix.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            acc += weight / total;
            if (u < acc)
            {
                return PromptTemplates.Get(name);
            }
        }
        return PromptTemplates.Get(_options.PromptMix.Keys.Order(StringComparer.Ordinal).Last());
    }

    /// <summary>Runs the warm-up; returns its metrics. A checkpoint of the final weights is written.</summary>
    public TrainingSummary Run(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_output.Folder);
        using var log = new MetricsLog(Path.Combine(_output.Folder, "metrics.jsonl"));
        var all = new List<StepMetrics>();
        _policy.Model.Module.train();
        List<int> withReasoning = _options.TextSteps > 0
            ? [.. Enumerable.Range(0, _train.Count).Where(i => !string.IsNullOrWhiteSpace(_train[i].ReferenceReasoning))]
            : [];
        if (withReasoning.Count > 0)
        {
            var textOrder = new DataOrder(withReasoning.Count, _options.BatchSize, _seed + 1);
            var textSchedule = new LearningRateSchedule(_options.LearningRate, _options.WarmupSteps, _options.TextSteps, ScheduleKind.Cosine, 0.1);
            for (var step = 0; step < _options.TextSteps; step++)
            {
                var demos = textOrder.At(step).Select(i => TextDemonstrationFor(withReasoning[i])).ToList();
                all.Add(TrainStep(TextPhase, step, demos, textSchedule.At(step), log, cancellationToken));
            }
        }
        var order = new DataOrder(_train.Count, _options.BatchSize, _seed);
        var schedule = new LearningRateSchedule(_options.LearningRate, _options.WarmupSteps, _options.Steps, ScheduleKind.Cosine, 0.1);
        for (var step = 0; step < _options.Steps; step++)
        {
            var epoch = step * _options.BatchSize / _train.Count;
            var demos = order.At(step).Select(i => DemonstrationFor(i, epoch)).ToList();
            all.Add(TrainStep(Phase, step, demos, schedule.At(step), log, cancellationToken));
        }
        _policy.Model.Module.eval();
        var store = new CheckpointStore(_output.Folder, _output.KeepCheckpoints);
        var last = store.Save(Phase, _options.Steps, dir => ModelStore.Save(_policy.Model, _policy.Tokenizer, Path.Combine(dir, "model")));
        TrainingPlots.Draw(all, Path.Combine(_output.Folder, "plots"));
        return new TrainingSummary(_options.Steps, 0, last, all);
    }

    private StepMetrics TrainStep(string phase, int step, IReadOnlyList<Demonstration> demos, double lr, MetricsLog log, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        double lossValue;
        long tokens;
        using (var scope = torch.NewDisposeScope())
        {
            _optimizer.ZeroGrad();
            var (logp, mask) = _policy.LogProbs(demos.Select(d => d.Prompt).ToList(), demos.Select(d => _policy.ResponseTokens(d.Response)).ToList());
            var count = mask.sum();
            var loss = -(logp * mask).sum() / count.clamp_min(1);
            lossValue = loss.item<float>();
            tokens = (long)count.item<float>();
            if (!double.IsFinite(lossValue))
            {
                throw new NonFiniteException($"supervised loss is {lossValue} at step {step + 1}");
            }
            loss.backward();
        }
        var gradNorm = _optimizer.ClipGradNorm(1.0);
        _optimizer.Step(lr);
        var text = phase == TextPhase;
        var m = new StepMetrics(phase, step + 1, new Dictionary<string, double>
        {
            [text ? "sft/text_loss" : "sft/loss"] = lossValue,
            ["sft/think_share"] = demos.Count(d => d.Thinks) / (double)demos.Count,
            ["grad_norm"] = gradNorm,
            ["lr"] = lr,
            ["train_tokens_per_s"] = tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds),
            ["step_time_s"] = clock.Elapsed.TotalSeconds,
        });
        log.Write(m);
        StepCompleted?.Invoke(m);
        return m;
    }

    /// <inheritdoc />
    public void Dispose() => _optimizer.Dispose();
}
