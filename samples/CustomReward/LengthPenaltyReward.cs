using AudioThinker.Abstractions;
using Microsoft.Extensions.Options;

namespace CustomReward;

/// <summary>
/// A length penalty: 0 for a response of at most <see cref="LengthPenaltyOptions.MaxWords"/> words, falling linearly to −1
/// at twice that length and beyond. It discourages rambling, whether or not the response thinks; with a weight it adds
/// <c>weight·value</c> to the paper's Eq. 7 total.
/// </summary>
public sealed class LengthPenaltyReward : IRewardFunction
{
    /// <summary>The name it is registered, configured and reported under.</summary>
    public const string RewardName = "length_penalty";

    private readonly int _maxWords;

    /// <summary>Created by the container: the options come from <c>rewards:length_penalty</c>.</summary>
    public LengthPenaltyReward(IOptions<LengthPenaltyOptions> options)
    {
        var o = options.Value;
        o.Validate();
        _maxWords = o.MaxWords;
    }

    /// <inheritdoc />
    public string Name => RewardName;

    /// <summary>The penalty of one response text.</summary>
    public double Score(string response)
    {
        var words = response.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return words <= _maxWords ? 0.0 : -Math.Min(1.0, (words - _maxWords) / (double)_maxWords);
    }

    /// <inheritdoc />
    public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
    {
        // One value per rollout, per group, in order: the pipeline adds them to the breakdowns and the training metrics.
        IReadOnlyList<IReadOnlyList<double>> values = batch.Select(g => (IReadOnlyList<double>)g.Rollouts.Select(r => Score(r.Text)).ToArray()).ToArray();
        return ValueTask.FromResult(new RewardScores(Name, values));
    }
}
