using AudioThinker.Abstractions;
using AudioThinker.Rewards.Functions;
using AudioThinker.Rewards.Matching;
using AudioThinker.Rewards.Options;
using static AudioThinker.Rewards.Tests.Batches;

namespace AudioThinker.Rewards.Tests;

public class RewardFunctionTests
{
    private static readonly RewardContext Start = new(0, 100);

    private const string GoodThought = "I hear a dog barking twice in the clip, so the answer is dog";
    private const string BadThought = "I hear a dog barking twice in the clip, so the answer is cat";

    private static async Task<RewardContext> WithAccuracy(IReadOnlyList<RolloutGroup> batch, AccuracyOptions? options = null) =>
        Start with { Earlier = new Dictionary<string, RewardScores> { ["accuracy"] = await new AccuracyReward(options ?? new()).ScoreAsync(batch, Start) } };

    [Fact]
    public async Task FormatIsOneForEitherValidForm()
    {
        var batch = new[] { Group(Think("a b", "dog"), NoThink("dog"), "dog", "<answer>dog") };
        var s = await new FormatReward().ScoreAsync(batch, Start);
        Assert.Equal([1.0, 1, 0, 0], s.Values[0]);
    }

    [Fact]
    public async Task AccuracyUsesTheConfiguredRules()
    {
        var batch = new[] { Group(NoThink("dog"), NoThink("A"), NoThink("it is a dog"), "dog", NoThink("cat")) };
        var byDefault = await new AccuracyReward().ScoreAsync(batch, Start);
        Assert.Equal([1.0, 1, 0, 0, 0], byDefault.Values[0]);
        var mmau = await new AccuracyReward(new AccuracyOptions { Rules = [AnswerMatchRule.MmauTokens] }).ScoreAsync(batch, Start);
        Assert.Equal([1.0, 0, 1, 0, 0], mmau.Values[0]);
    }

    [Fact]
    public async Task ConsistencyJudgesOnlyRightThinkResponses()
    {
        var batch = new[] { Group(Think(GoodThought, "dog"), Think(BadThought, "dog"), Think(GoodThought, "cat"), NoThink("dog"), NoThink("cat"), "junk") };
        var judge = new RecordingJudge();
        var s = await new ConsistencyReward(judge).ScoreAsync(batch, await WithAccuracy(batch));
        // right & consistent, right & inconsistent, wrong (gated), no-think right, no-think wrong, invalid
        Assert.Equal([1.0, 0, 0, 1, 0, 0], s.Values[0]);
        Assert.Equal(2, judge.Requests.Count);
        Assert.All(judge.Requests, r => Assert.Equal(JudgeKind.Consistency, r.Kind));
        Assert.Equal(2, s.Diagnostics["judged"]);
        Assert.Equal(0, s.Diagnostics["unparsed"]);
    }

    [Fact]
    public async Task ThinkRewardGivesNoThinkTheBatchMean()
    {
        var facts = new Dictionary<string, string> { ["barks"] = "2" };
        var q = Question(facts: facts);
        var batch = new[]
        {
            Group(q, Think("The dog barks twice: 2 barks in total, so the answer is dog", "dog"), NoThink("dog")),
            Group(q, Think("The dog barks three times: 3 barks in total, so the answer is dog", "cat"), "invalid"),
        };
        var judge = new RecordingJudge();
        var s = await new ThinkReward(judge).ScoreAsync(batch, Start);
        Assert.Equal(1.0, s.Values[0][0]);
        Assert.Equal(0.0, s.Values[1][0]);
        Assert.Equal(0.5, s.Values[0][1]); // the mean of the two think scores
        Assert.Equal(0.0, s.Values[1][1]); // invalid
        Assert.Equal(2, judge.Requests.Count);
        Assert.All(judge.Requests, r => Assert.Equal("2", r.Facts["barks"]));
    }

    [Fact]
    public async Task WhenNobodyThinksNoThinkGetsTheConfiguredValue()
    {
        var batch = new[] { Group(NoThink("dog"), NoThink("cat")) };
        var judge = new RecordingJudge();
        var zero = await new ThinkReward(judge).ScoreAsync(batch, Start);
        Assert.Equal([0.0, 0], zero.Values[0]);
        var half = await new ThinkReward(judge, new ThinkOptions { WhenNobodyThinks = 0.5 }).ScoreAsync(batch, Start);
        Assert.Equal([0.5, 0.5], half.Values[0]);
        Assert.Empty(judge.Requests);
    }

    [Fact]
    public void Eq7MatchesThePaper()
    {
        var total = new AudioThinkerTotal();
        // R = R_a (1 + 0.5 R_c) + 0.5 R_f + R_t
        Assert.Equal(1 * 1.5 + 0.5 + 0.8, total.Combine(1, 1, 1, 0.8), 12);
        Assert.Equal(2 * 1.5 + 0.5 + 0.4, total.Combine(2, 1, 1, 0.4), 12);
        Assert.Equal(-1 + 0.5 + 0.3, total.Combine(-1, 0, 1, 0.3), 12);
        var custom = new AudioThinkerTotal(new Eq7Options { ConsistencyCoefficient = 1, FormatCoefficient = 0, ThinkCoefficient = 2, AccuracyCoefficient = 3 });
        Assert.Equal(3 * 1 * 2 + 0 + 2 * 0.5, custom.Combine(1, 1, 1, 0.5), 12);
    }

    [Fact]
    public async Task Eq7ReadsTheEarlierScoresAndAddsWeightedExtras()
    {
        var batch = new[] { Group(NoThink("dog"), NoThink("cat")) };
        var earlier = new Dictionary<string, RewardScores>
        {
            ["atar"] = new("atar", [[2.0, -1.0]]),
            ["consistency"] = new("consistency", [[1.0, 0.0]]),
            ["format"] = new("format", [[1.0, 1.0]]),
            ["think"] = new("think", [[0.6, 0.6]]),
            ["brevity"] = new("brevity", [[1.0, 0.0]]),
        };
        var s = await new AudioThinkerTotal(null, new Dictionary<string, double> { ["brevity"] = 0.25 })
            .ScoreAsync(batch, Start with { Earlier = earlier });
        Assert.Equal(2 * 1.5 + 0.5 + 0.6 + 0.25, s.Values[0][0], 12);
        Assert.Equal(-1 + 0.5 + 0.6, s.Values[0][1], 12);
        Assert.Throws<RewardsConfigurationException>(() => new AudioThinkerTotal(null, new Dictionary<string, double> { ["think"] = 1 }));
    }

    [Fact]
    public async Task WeightedSumIsTrlStyle()
    {
        var batch = new[] { Group(NoThink("dog"), "x") };
        var earlier = new Dictionary<string, RewardScores>
        {
            ["format"] = new("format", [[1.0, 0.0]]),
            ["accuracy"] = new("accuracy", [[1.0, 0.0]]),
        };
        var s = await new WeightedSumReward(new Dictionary<string, double> { ["format"] = 1, ["accuracy"] = 2 }).ScoreAsync(batch, Start with { Earlier = earlier });
        Assert.Equal([3.0, 0], s.Values[0]);
        Assert.Throws<RewardsConfigurationException>(() => new WeightedSumReward(new Dictionary<string, double>()));
        Assert.Throws<RewardsConfigurationException>(() => new WeightedSumReward(new Dictionary<string, double> { ["x"] = double.PositiveInfinity }));
    }
}
