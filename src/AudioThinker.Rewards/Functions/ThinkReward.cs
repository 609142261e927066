using AudioThinker.Abstractions;
using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Functions;

/// <summary>
/// R_t: the judge's 0–1 score of a think response's reasoning, whatever its answer. A no-think response gets the mean R_t of
/// the batch's think responses (or <see cref="ThinkOptions.WhenNobodyThinks"/> when there are none); an invalid one gets 0.
/// </summary>
public sealed class ThinkReward : IRewardFunction
{
    private readonly IJudge _judge;
    private readonly ThinkOptions _options;

    /// <summary>Creates the reward with its judge.</summary>
    public ThinkReward(IJudge judge, ThinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(judge);
        _options = options ?? new ThinkOptions();
        RewardsConfigurationException.ThrowIfAny(_options.Validate(ThinkOptions.Section));
        _judge = judge;
    }

    /// <inheritdoc />
    public string Name => RewardNames.Think;

    /// <inheritdoc />
    public async ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var values = batch.Select(g => new double[g.Rollouts.Count]).ToArray();
        var requests = new List<JudgeRequest>();
        var slots = new List<(int G, int I)>();
        for (int g = 0; g < batch.Count; g++)
        {
            for (int i = 0; i < batch[g].Rollouts.Count; i++)
            {
                var r = batch[g].Rollouts[i];
                if (r.Mode == ResponseMode.Think)
                {
                    requests.Add(JudgeCalls.Request(JudgeKind.ThinkQuality, batch[g], r));
                    slots.Add((g, i));
                }
            }
        }

        var verdicts = await JudgeCalls.RunAsync(_judge, requests, Name, cancellationToken).ConfigureAwait(false);
        for (int k = 0; k < verdicts.Count; k++)
        {
            values[slots[k].G][slots[k].I] = verdicts[k].Score;
        }
        double mean = verdicts.Count == 0 ? _options.WhenNobodyThinks : verdicts.Average(v => v.Score);
        for (int g = 0; g < batch.Count; g++)
        {
            for (int i = 0; i < batch[g].Rollouts.Count; i++)
            {
                if (batch[g].Rollouts[i].Mode == ResponseMode.NoThink)
                {
                    values[g][i] = mean;
                }
            }
        }
        return new RewardScores(Name, values)
        {
            Diagnostics = new Dictionary<string, double>
            {
                ["judged"] = verdicts.Count,
                ["unparsed"] = verdicts.Count(v => !v.Parsed),
                ["thinkMean"] = mean,
            },
        };
    }
}
