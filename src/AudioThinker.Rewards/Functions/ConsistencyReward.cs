using AudioThinker.Abstractions;
using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Functions;

/// <summary>
/// R_c: whether the thinking supports the final answer, applied only when that answer is right. A right think response
/// gets the judge's score (1 or 0), a right no-think response gets 1, and a wrong or invalid response gets 0, so that in
/// Eq. 7 consistency only ever scales a positive R_a. Only right think responses are sent to the judge.
/// </summary>
public sealed class ConsistencyReward : IRewardFunction, IDependentReward
{
    private readonly IJudge _judge;
    private readonly ConsistencyOptions _options;

    /// <summary>Creates the reward with its judge.</summary>
    public ConsistencyReward(IJudge judge, ConsistencyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(judge);
        _options = options ?? new ConsistencyOptions();
        RewardsConfigurationException.ThrowIfAny(_options.Validate(ConsistencyOptions.Section));
        _judge = judge;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Needs => [_options.AccuracyReward];

    /// <inheritdoc />
    public string Name => RewardNames.Consistency;

    /// <inheritdoc />
    public async ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var accuracy = BatchValues.Earlier(context, _options.AccuracyReward, Name);

        var values = batch.Select(g => new double[g.Rollouts.Count]).ToArray();
        var requests = new List<JudgeRequest>();
        var slots = new List<(int G, int I)>();
        for (int g = 0; g < batch.Count; g++)
        {
            for (int i = 0; i < batch[g].Rollouts.Count; i++)
            {
                var r = batch[g].Rollouts[i];
                bool correct = accuracy.Values[g][i] >= 0.5;
                if (!correct || r.Mode == ResponseMode.Invalid)
                {
                    continue;
                }
                if (r.Mode == ResponseMode.NoThink)
                {
                    values[g][i] = 1;
                    continue;
                }
                requests.Add(JudgeCalls.Request(JudgeKind.Consistency, batch[g], r));
                slots.Add((g, i));
            }
        }

        var verdicts = await JudgeCalls.RunAsync(_judge, requests, Name, cancellationToken).ConfigureAwait(false);
        for (int k = 0; k < verdicts.Count; k++)
        {
            values[slots[k].G][slots[k].I] = verdicts[k].Score;
        }
        return new RewardScores(Name, values)
        {
            Diagnostics = new Dictionary<string, double>
            {
                ["judged"] = verdicts.Count,
                ["unparsed"] = verdicts.Count(v => !v.Parsed),
            },
        };
    }
}
