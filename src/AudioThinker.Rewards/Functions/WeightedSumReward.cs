using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Functions;

/// <summary>TRL-style total: <c>R = Σ w_k·R_k</c> over named earlier rewards.</summary>
public sealed class WeightedSumReward : IRewardFunction, IDependentReward
{
    private readonly IReadOnlyDictionary<string, double> _weights;

    /// <summary>Creates the combiner from weights by reward name.</summary>
    public WeightedSumReward(IReadOnlyDictionary<string, double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
        {
            throw new RewardsConfigurationException("rewards:weights: a weighted sum needs at least one reward");
        }
        foreach (var (name, w) in weights)
        {
            if (!double.IsFinite(w))
            {
                throw new RewardsConfigurationException($"rewards:weights:{name} must be finite (got {w})");
            }
        }
        _weights = weights;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Needs => [.. _weights.Keys];

    /// <inheritdoc />
    public string Name => RewardNames.Total;

    /// <summary>The weights, by reward name.</summary>
    public IReadOnlyDictionary<string, double> Weights => _weights;

    /// <inheritdoc />
    public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var parts = _weights.Select(kv => (Scores: BatchValues.Earlier(context, kv.Key, Name), Weight: kv.Value)).ToList();
        var values = BatchValues.Map(batch, (_, _) => 0.0);
        for (int g = 0; g < batch.Count; g++)
        {
            var v = (double[])values[g];
            for (int i = 0; i < v.Length; i++)
            {
                foreach (var (scores, weight) in parts)
                {
                    v[i] += weight * scores.Values[g][i];
                }
            }
        }
        return ValueTask.FromResult(new RewardScores(Name, values));
    }
}
