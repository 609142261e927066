using AudioThinker.Abstractions;
using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Functions;

/// <summary>
/// R_a, the Adaptive Think Accuracy Reward (Eq. 5). With γ the mode's soft penalty factor, each case is
/// <c>γ·base + (1 − γ)·penalized</c>; at the default values that is γ_think (think, right), −(1 − γ_think) (think, wrong),
/// 2·γ_no-think (no-think, right) and −γ_no-think − 2·(1 − γ_no-think) (no-think, wrong).
/// </summary>
public sealed class AdaptiveThinkAccuracyReward : IRewardFunction, IDependentReward
{
    private readonly AtarOptions _options;

    /// <summary>Creates ATAR with the paper's values.</summary>
    public AdaptiveThinkAccuracyReward()
        : this(new AtarOptions())
    {
    }

    /// <summary>Creates ATAR from its options.</summary>
    public AdaptiveThinkAccuracyReward(AtarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RewardsConfigurationException.ThrowIfAny(options.Validate(AtarOptions.Section));
        _options = options;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Needs => [_options.AccuracyReward];

    /// <inheritdoc />
    public string Name => RewardNames.Atar;

    /// <summary>λ: the share of think responses among all of the batch's rollouts (invalid ones count in the denominator).</summary>
    public static double ThinkShare(IReadOnlyList<RolloutGroup> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int total = batch.Sum(g => g.Rollouts.Count);
        return total == 0 ? 0 : (double)BatchValues.Count(batch, r => r.Mode == ResponseMode.Think) / total;
    }

    /// <summary>The factors in force for this batch at this step.</summary>
    public SoftPenaltyFactors Factors(double lambda, double progress) =>
        _options.SoftPenalty ? SoftPenaltyFactors.Compute(lambda, progress) : SoftPenaltyFactors.None;

    /// <summary>ATAR for one response.</summary>
    public double Value(ResponseMode mode, bool correct, SoftPenaltyFactors factors)
    {
        var o = _options;
        return mode switch
        {
            ResponseMode.Think when correct => Mix(factors.Think, o.ThinkCorrect, o.ThinkCorrectPenalized),
            ResponseMode.Think => Mix(factors.Think, o.ThinkWrong, o.ThinkWrongPenalized),
            ResponseMode.NoThink when correct => Mix(factors.NoThink, o.NoThinkCorrect, o.NoThinkCorrectPenalized),
            ResponseMode.NoThink => Mix(factors.NoThink, o.NoThinkWrong, o.NoThinkWrongPenalized),
            _ => o.Invalid ?? new[]
            {
                Value(ResponseMode.Think, true, factors), Value(ResponseMode.Think, false, factors),
                Value(ResponseMode.NoThink, true, factors), Value(ResponseMode.NoThink, false, factors),
            }.Min(),
        };
    }

    /// <inheritdoc />
    public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var accuracy = BatchValues.Earlier(context, _options.AccuracyReward, Name);
        double lambda = ThinkShare(batch);
        var factors = Factors(lambda, context.Progress);
        var values = new IReadOnlyList<double>[batch.Count];
        for (int g = 0; g < batch.Count; g++)
        {
            var rollouts = batch[g].Rollouts;
            var v = new double[rollouts.Count];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = Value(rollouts[i].Mode, accuracy.Values[g][i] >= 0.5, factors);
            }
            values[g] = v;
        }
        return ValueTask.FromResult(new RewardScores(Name, values)
        {
            Diagnostics = new Dictionary<string, double>
            {
                ["lambda"] = lambda,
                ["gammaThink"] = factors.Think,
                ["gammaNoThink"] = factors.NoThink,
            },
        });
    }

    // γ·base + (1 − γ)·penalized: the reading of Eq. 5 that gives the base values at γ = 1.
    private static double Mix(double gamma, double baseValue, double penalized) => gamma * baseValue + (1 - gamma) * penalized;
}
