using AudioThinker.Abstractions;
using AudioThinker.Rewards.Functions;
using AudioThinker.Rewards.Judges;
using AudioThinker.Rewards.Pipeline;
using static AudioThinker.Rewards.Tests.Batches;

namespace AudioThinker.Rewards.Tests;

public class PipelineTests
{
    private static RewardPipeline Paper(IJudge? judge = null)
    {
        judge ??= new RuleBasedJudge();
        return new RewardPipeline(
            [new FormatReward(), new AccuracyReward(), new AdaptiveThinkAccuracyReward(), new ConsistencyReward(judge), new ThinkReward(judge)],
            new AudioThinkerTotal());
    }

    [Fact]
    public async Task ThePaperPipelineProducesEq7TotalsAndAdvantages()
    {
        const string thought = "I hear a dog barking twice and nothing else, so the answer is dog";
        var batch = new[]
        {
            Group(Think(thought, "dog"), NoThink("dog"), NoThink("cat"), "no tags"),
            Group(NoThink("dog"), NoThink("dog")),
        };
        var result = await Paper().ScoreAsync(batch, new RewardContext(500, 1000));

        // λ = 1/6 think; step/T = 0.5.
        double lambda = 1 / 6.0;
        double gt = Math.Exp(-lambda * 0.5), gn = Math.Exp(-(1 - lambda) * 0.5);
        var b = result.Breakdowns[0];
        double think = b[0].Components["think"];
        Assert.Equal(1.0, think); // engages, no repetition
        Assert.Equal(gt * 1.5 + 0.5 + think, b[0].Total, 12);
        Assert.Equal(2 * gn * 1.5 + 0.5 + think, b[1].Total, 12); // no-think gets the batch's think mean
        Assert.Equal(-gn - 2 * (1 - gn) + 0.5 + think, b[2].Total, 12);
        double lowest = -gn - 2 * (1 - gn);
        Assert.Equal(lowest, b[3].Components["atar"], 12); // invalid: the lowest ATAR value, no format, no think
        Assert.Equal(lowest, b[3].Total, 12);
        Assert.Equal(["format", "accuracy", "atar", "consistency", "think"], b[0].Components.Keys);

        var totals = b.Select(x => x.Total).ToArray();
        double mean = totals.Average();
        double std = Math.Sqrt(totals.Sum(t => (t - mean) * (t - mean)) / 3);
        Assert.Equal((totals[0] - mean) / (std + 1e-4), b[0].Advantage, 9);
        Assert.All(result.Breakdowns[1], x => Assert.Equal(0, x.Advantage));

        var d = result.Diagnostics;
        Assert.Equal((2, 6, 1, 4, 1), (d.Groups, d.Rollouts, d.Think, d.NoThink, d.Invalid));
        Assert.Equal(lambda, d.ThinkShare, 12);
        Assert.Equal(lambda, d.Counters["atar/lambda"], 12);
        Assert.Equal(1, d.ZeroVarianceGroups);
        Assert.Equal(0, d.UnparsedJudgeVerdicts);
        Assert.Equal(4 / 6.0, d.Means["accuracy"], 12);
        Assert.Equal(result.Breakdowns.SelectMany(g => g).Average(x => x.Total), d.Means["total"], 12);
        Assert.Equal(b.Select(x => x.Advantage), result.Advantages[0]);
    }

    [Fact]
    public async Task UnparsedVerdictsAreCountedInTheDiagnostics()
    {
        var judge = new UnparsedAfterRuleJudge();
        var batch = new[] { Group(Think("I hear a dog barking here, so the answer is dog", "dog"), NoThink("cat")) };
        var result = await Paper(judge).ScoreAsync(batch, new RewardContext(0, 10));
        Assert.Equal(2, result.Diagnostics.UnparsedJudgeVerdicts); // one consistency, one think quality
        Assert.Equal(1, result.Diagnostics.Counters["think/unparsed"]);
    }

    [Fact]
    public void OrderAndNamesAreCheckedAtConstruction()
    {
        var judge = new RuleBasedJudge();
        var e = Assert.Throws<RewardsConfigurationException>(() => new RewardPipeline(
            [new FormatReward(), new AdaptiveThinkAccuracyReward(), new AccuracyReward(), new ConsistencyReward(judge), new ThinkReward(judge)],
            new AudioThinkerTotal()));
        Assert.Contains("reward 'atar' needs reward 'accuracy' earlier in the pipeline", e.Message);

        e = Assert.Throws<RewardsConfigurationException>(() => new RewardPipeline([new FormatReward(), new AccuracyReward()], new AudioThinkerTotal()));
        Assert.Contains("reward 'total' needs reward 'atar' in the pipeline", e.Message);

        e = Assert.Throws<RewardsConfigurationException>(() => new RewardPipeline([new FormatReward(), new FormatReward()],
            new WeightedSumReward(new Dictionary<string, double> { ["format"] = 1 })));
        Assert.Contains("repeated", e.Message);
    }

    [Fact]
    public async Task ARewardOfTheWrongShapeOrANaNIsNamed()
    {
        var pipeline = new RewardPipeline([new FormatReward(), new BrokenReward()],
            new WeightedSumReward(new Dictionary<string, double> { ["format"] = 1 }));
        var e = await Assert.ThrowsAsync<NonFiniteRewardException>(() => pipeline.ScoreAsync([Group(NoThink("dog"), NoThink("dog"))], new RewardContext(0, 1)));
        Assert.Contains("reward 'broken' returned NaN for completion 1 of group 0", e.Message);
        Assert.Equal(("broken", 0, 1), (e.Reward, e.Group, e.Rollout));
        Assert.True(double.IsNaN(e.Value));
    }

    [Fact]
    public async Task AnEmptyBatchScoresToNothing()
    {
        var result = await Paper().ScoreAsync([], new RewardContext(0, 1));
        Assert.Empty(result.Breakdowns);
        Assert.Equal(0, result.Diagnostics.Rollouts);
    }

    private sealed class BrokenReward : IRewardFunction
    {
        public string Name => "broken";

        public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new RewardScores(Name, batch.Select(g => (IReadOnlyList<double>)g.Rollouts.Select((_, i) => i == 1 ? double.NaN : 0).ToArray()).ToArray()));
    }

    /// <summary>Judges with the rule-based judge, then reports every verdict as unparsed at the fallback score 0.</summary>
    private sealed class UnparsedAfterRuleJudge : IJudge
    {
        private readonly RuleBasedJudge _rule = new();

        public string Name => "unparsed";

        public async Task<IReadOnlyList<JudgeVerdict>> JudgeAsync(IReadOnlyList<JudgeRequest> requests, CancellationToken cancellationToken = default) =>
            (await _rule.JudgeAsync(requests, cancellationToken)).Select(v => new JudgeVerdict(0, false, v.RawOutput)).ToArray();
    }
}
