using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Functions;

/// <summary>R_f: 1 when the response has one of the two valid forms (as its parser decided), else 0.</summary>
public sealed class FormatReward : IRewardFunction
{
    /// <inheritdoc />
    public string Name => RewardNames.Format;

    /// <inheritdoc />
    public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return ValueTask.FromResult(new RewardScores(Name, BatchValues.Map(batch, (_, r) => r.Parsed.IsValid ? 1.0 : 0.0)));
    }
}
