namespace AudioThinker.Abstractions;

/// <summary>Where training stands, for rewards that anneal (ATAR's soft penalty factors use step/T).</summary>
/// <param name="Step">The global step, from 0.</param>
/// <param name="TotalSteps">The planned number of steps, T (at least 1).</param>
public sealed record RewardContext(int Step, int TotalSteps)
{
    /// <summary>step/T clamped to [0, 1].</summary>
    public double Progress => TotalSteps <= 0 ? 1.0 : Math.Clamp((double)Step / TotalSteps, 0.0, 1.0);

    /// <summary>Scores computed earlier in the same pipeline, by reward name: one array per group, one value per rollout.
    /// Lets a combining reward (Eq. 7) read its components.</summary>
    public IReadOnlyDictionary<string, RewardScores> Earlier { get; init; } = new Dictionary<string, RewardScores>();
}

/// <summary>One reward's values for a batch: <c>Values[g][i]</c> is rollout i of group g.</summary>
/// <param name="Name">The reward's name.</param>
/// <param name="Values">Values per group, per rollout.</param>
public sealed record RewardScores(string Name, IReadOnlyList<IReadOnlyList<double>> Values)
{
    /// <summary>Counters a reward reports with its values (for example judge outputs that did not parse).</summary>
    public IReadOnlyDictionary<string, double> Diagnostics { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// A reward: scores a whole batch of groups at once, because some rewards need batch statistics
/// (ATAR's λ is the batch's share of think responses; the think reward gives no-think responses the batch mean).
/// </summary>
public interface IRewardFunction
{
    /// <summary>The name the reward is registered and reported under.</summary>
    string Name { get; }

    /// <summary>Scores every rollout of every group in the batch.</summary>
    ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default);
}

/// <summary>Every reward's value for one rollout, the total and its group advantage.</summary>
/// <param name="Components">Each reward's value, by name.</param>
/// <param name="Total">The combined reward.</param>
/// <param name="Advantage">The normalised advantage GRPO trains on.</param>
public sealed record RewardBreakdown(IReadOnlyDictionary<string, double> Components, double Total, double Advantage);
