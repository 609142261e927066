using AudioThinker.Abstractions;
using AudioThinker.Rewards.Advantages;
using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Pipeline;

/// <summary>
/// Scores a batch: runs the named rewards in order (each sees the earlier ones' scores in <see cref="RewardContext.Earlier"/>),
/// then the combiner that makes the total, then group advantages. This is what the GRPO trainer calls once per step.
/// </summary>
public sealed class RewardPipeline
{
    private readonly IReadOnlyList<IRewardFunction> _rewards;
    private readonly IRewardFunction _combiner;
    private readonly AdvantageOptions _advantage;

    /// <summary>Creates a pipeline.</summary>
    /// <param name="rewards">The rewards, in the order they run; names must be unique and not <c>total</c>.</param>
    /// <param name="combiner">Makes the total from the rewards' scores (for example <see cref="Functions.AudioThinkerTotal"/>).</param>
    /// <param name="advantage">How totals become advantages; null for the paper's.</param>
    public RewardPipeline(IEnumerable<IRewardFunction> rewards, IRewardFunction combiner, AdvantageOptions? advantage = null)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(combiner);
        _rewards = rewards.ToArray();
        if (_rewards.Count == 0)
        {
            throw new RewardsConfigurationException("a reward pipeline needs at least one reward");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { RewardNames.Total };
        foreach (var r in _rewards)
        {
            if (string.IsNullOrWhiteSpace(r.Name) || !seen.Add(r.Name))
            {
                throw new RewardsConfigurationException($"reward name '{r.Name}' is blank, repeated, or '{RewardNames.Total}'");
            }
        }
        // A reward that reads another's scores must run after it; the combiner may read any of them.
        var before = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in _rewards)
        {
            CheckNeeds(r, before, "earlier in the pipeline");
            before.Add(r.Name);
        }
        CheckNeeds(combiner, before, "in the pipeline");
        _combiner = combiner;
        _advantage = advantage ?? new AdvantageOptions();
        RewardsConfigurationException.ThrowIfAny(_advantage.Validate(AdvantageOptions.Section));
    }

    /// <summary>The rewards' names, in the order they run.</summary>
    public IReadOnlyList<string> Names => _rewards.Select(r => r.Name).ToArray();

    /// <summary>The combiner.</summary>
    public IRewardFunction Combiner => _combiner;

    /// <summary>How advantages are scaled.</summary>
    public AdvantageOptions Advantage => _advantage;

    /// <summary>The same rewards and combiner with other advantage settings (for a trainer that owns them).</summary>
    public RewardPipeline WithAdvantage(AdvantageOptions advantage) => new(_rewards, _combiner, advantage);

    /// <summary>Scores every rollout of the batch at the training progress in <paramref name="context"/>.</summary>
    public async Task<RewardPipelineResult> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var earlier = new Dictionary<string, RewardScores>(StringComparer.OrdinalIgnoreCase);
        var counters = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var reward in _rewards)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scores = await reward.ScoreAsync(batch, context with { Earlier = new Dictionary<string, RewardScores>(earlier) }, cancellationToken)
                .ConfigureAwait(false);
            Check(scores, reward.Name, batch);
            earlier[reward.Name] = scores;
            foreach (var (key, value) in scores.Diagnostics)
            {
                counters[$"{reward.Name}/{key}"] = value;
            }
        }

        var total = await _combiner.ScoreAsync(batch, context with { Earlier = new Dictionary<string, RewardScores>(earlier) }, cancellationToken)
            .ConfigureAwait(false);
        Check(total, _combiner.Name, batch);
        var advantages = GroupAdvantages.Compute(total.Values, _advantage);

        var breakdowns = new IReadOnlyList<RewardBreakdown>[batch.Count];
        for (int g = 0; g < batch.Count; g++)
        {
            var row = new RewardBreakdown[batch[g].Rollouts.Count];
            for (int i = 0; i < row.Length; i++)
            {
                var components = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
                foreach (var reward in _rewards)
                {
                    components[reward.Name] = earlier[reward.Name].Values[g][i];
                }
                row[i] = new RewardBreakdown(components, total.Values[g][i], advantages.Values[g][i]);
            }
            breakdowns[g] = row;
        }

        int n = batch.Sum(g => g.Rollouts.Count);
        var means = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, scores) in earlier.Append(new KeyValuePair<string, RewardScores>(RewardNames.Total, total)))
        {
            means[name] = n == 0 ? 0 : scores.Values.Sum(v => v.Sum()) / n;
        }
        return new RewardPipelineResult(breakdowns, new RewardBatchDiagnostics
        {
            Groups = batch.Count,
            Rollouts = n,
            Think = Count(batch, ResponseMode.Think),
            NoThink = Count(batch, ResponseMode.NoThink),
            Invalid = Count(batch, ResponseMode.Invalid),
            Means = means,
            ZeroVarianceGroups = advantages.ZeroVarianceGroups,
            UnparsedJudgeVerdicts = (int)counters.Where(kv => kv.Key.EndsWith("/unparsed", StringComparison.Ordinal)).Sum(kv => kv.Value),
            Counters = counters,
        });
    }

    private static void CheckNeeds(IRewardFunction reward, HashSet<string> available, string where)
    {
        if (reward is not Functions.IDependentReward dependent)
        {
            return;
        }
        foreach (var need in dependent.Needs)
        {
            if (!available.Contains(need))
            {
                throw new RewardsConfigurationException(
                    $"reward '{reward.Name}' needs reward '{need}' {where} (before it: {(available.Count == 0 ? "none" : string.Join(", ", available))})");
            }
        }
    }

    private static int Count(IReadOnlyList<RolloutGroup> batch, ResponseMode mode) => batch.Sum(g => g.Rollouts.Count(r => r.Mode == mode));

    // A reward that returns the wrong shape or a NaN would corrupt every advantage downstream: stop with its name instead.
    private static void Check(RewardScores scores, string name, IReadOnlyList<RolloutGroup> batch)
    {
        if (scores?.Values is null || scores.Values.Count != batch.Count)
        {
            throw new InvalidOperationException($"reward '{name}' returned {scores?.Values?.Count ?? 0} groups for a batch of {batch.Count}");
        }
        for (int g = 0; g < batch.Count; g++)
        {
            var row = scores.Values[g];
            if (row is null || row.Count != batch[g].Rollouts.Count)
            {
                throw new InvalidOperationException(
                    $"reward '{name}' returned {row?.Count ?? 0} values for group {g}, which has {batch[g].Rollouts.Count} rollouts");
            }
            for (int i = 0; i < row.Count; i++)
            {
                if (!double.IsFinite(row[i]))
                {
                    throw new NonFiniteRewardException(name, g, i, row[i],
                        $"reward '{name}' returned {row[i]} for completion {i} of group {g} (question '{batch[g].Question.Id}'); values must be finite");
                }
            }
        }
    }
}
