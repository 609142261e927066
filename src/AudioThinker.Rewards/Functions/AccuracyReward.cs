using AudioThinker.Abstractions;
using AudioThinker.Rewards.Matching;
using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Functions;

/// <summary>1 when a valid response's answer is the right one (by the configured <see cref="AnswerMatcher"/>), else 0.</summary>
public sealed class AccuracyReward : IRewardFunction
{
    private readonly AnswerMatcher _matcher;

    /// <summary>Creates the reward with the default matcher (text or option letter).</summary>
    public AccuracyReward()
        : this(new AccuracyOptions())
    {
    }

    /// <summary>Creates the reward from its options.</summary>
    public AccuracyReward(AccuracyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RewardsConfigurationException.ThrowIfAny(options.Validate(AccuracyOptions.Section));
        _matcher = options.CreateMatcher();
    }

    /// <inheritdoc />
    public string Name => RewardNames.Accuracy;

    /// <summary>The matcher in use.</summary>
    public AnswerMatcher Matcher => _matcher;

    /// <inheritdoc />
    public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var values = BatchValues.Map(batch, (g, r) => r.Parsed.IsValid && _matcher.IsCorrect(r.Parsed.Answer, g.Question) ? 1.0 : 0.0);
        return ValueTask.FromResult(new RewardScores(Name, values));
    }
}
