using AudioThinker.Abstractions;
using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Functions;

/// <summary>
/// The paper's total reward (Eq. 7), <c>R = a·R_a·(1 + c·R_c) + f·R_f + t·R_t</c>, read from the earlier rewards, plus
/// <c>Σ w_k·R_k</c> over any extra weighted rewards (none by default).
/// </summary>
public sealed class AudioThinkerTotal : IRewardFunction, IDependentReward
{
    private readonly Eq7Options _options;
    private readonly IReadOnlyDictionary<string, double> _extra;

    /// <summary>Creates the combiner.</summary>
    /// <param name="options">Coefficients and component names; null for the paper's.</param>
    /// <param name="extraWeights">Other earlier rewards to add, by name, with their weights.</param>
    public AudioThinkerTotal(Eq7Options? options = null, IReadOnlyDictionary<string, double>? extraWeights = null)
    {
        _options = options ?? new Eq7Options();
        RewardsConfigurationException.ThrowIfAny(_options.Validate(Eq7Options.Section));
        _extra = extraWeights ?? new Dictionary<string, double>();
        foreach (var name in _extra.Keys)
        {
            if (_options.Components.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new RewardsConfigurationException(
                    $"{RewardsOptions.Section}:weights:{name} cannot weigh an Eq. 7 component; set its coefficient in {Eq7Options.Section}");
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Needs => [.. _options.Components, .. _extra.Keys];

    /// <inheritdoc />
    public string Name => RewardNames.Total;

    /// <summary>Eq. 7 for one rollout.</summary>
    public double Combine(double accuracy, double consistency, double format, double think) =>
        _options.AccuracyCoefficient * accuracy * (1 + _options.ConsistencyCoefficient * consistency)
        + _options.FormatCoefficient * format
        + _options.ThinkCoefficient * think;

    /// <inheritdoc />
    public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var a = BatchValues.Earlier(context, _options.AccuracyReward, Name);
        var c = BatchValues.Earlier(context, _options.ConsistencyReward, Name);
        var f = BatchValues.Earlier(context, _options.FormatReward, Name);
        var t = BatchValues.Earlier(context, _options.ThinkReward, Name);
        var extra = _extra.Select(kv => (Scores: BatchValues.Earlier(context, kv.Key, Name), Weight: kv.Value)).ToList();

        var values = new IReadOnlyList<double>[batch.Count];
        for (int g = 0; g < batch.Count; g++)
        {
            var v = new double[batch[g].Rollouts.Count];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = Combine(a.Values[g][i], c.Values[g][i], f.Values[g][i], t.Values[g][i])
                    + extra.Sum(e => e.Weight * e.Scores.Values[g][i]);
            }
            values[g] = v;
        }
        return ValueTask.FromResult(new RewardScores(Name, values));
    }
}
