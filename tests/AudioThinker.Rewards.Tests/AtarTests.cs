using AudioThinker.Abstractions;
using AudioThinker.Rewards.Functions;
using AudioThinker.Rewards.Options;
using static AudioThinker.Rewards.Tests.Batches;

namespace AudioThinker.Rewards.Tests;

public class AtarTests
{
    private static readonly AdaptiveThinkAccuracyReward Atar = new();

    public static TheoryData<double, double> Grid()
    {
        var data = new TheoryData<double, double>();
        foreach (var lambda in new[] { 0, 0.25, 0.5, 1 })
        {
            foreach (var progress in new[] { 0, 0.5, 1 })
            {
                data.Add(lambda, progress);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public void EveryCaseMatchesTheFormulas(double lambda, double progress)
    {
        // The formulas exactly as docs state them (method notes, Eq. 5), written out independently of the implementation.
        double gThink = Math.Exp(-lambda * (1 - progress));
        double gNoThink = Math.Exp(-(1 - lambda) * (1 - progress));
        var f = SoftPenaltyFactors.Compute(lambda, progress);
        Assert.Equal(gThink, f.Think, 12);
        Assert.Equal(gNoThink, f.NoThink, 12);

        Assert.Equal(gThink, Atar.Value(ResponseMode.Think, true, f), 12);
        Assert.Equal(-(1 - gThink), Atar.Value(ResponseMode.Think, false, f), 12);
        Assert.Equal(2 * gNoThink, Atar.Value(ResponseMode.NoThink, true, f), 12);
        Assert.Equal(-gNoThink - 2 * (1 - gNoThink), Atar.Value(ResponseMode.NoThink, false, f), 12);
    }

    [Theory]
    [MemberData(nameof(Grid))]
    public async Task TheBatchSetsLambda(double lambda, double progress)
    {
        // Eight rollouts per batch: lambda*8 think responses, the rest no-think; half right, half wrong in each mode where possible.
        int thinkers = (int)(lambda * 8);
        var completions = Enumerable.Range(0, 8)
            .Select(i => i < thinkers ? Think("reasoning", i % 2 == 0 ? "dog" : "cat") : NoThink(i % 2 == 0 ? "dog" : "cat"))
            .ToArray();
        var batch = new[] { Group(completions) };
        int step = (int)(progress * 1000);
        var context = new RewardContext(step, 1000) { Earlier = await Earlier(batch) };
        var scores = await Atar.ScoreAsync(batch, context);

        Assert.Equal(lambda, scores.Diagnostics["lambda"], 12);
        double gThink = Math.Exp(-lambda * (1 - progress));
        double gNoThink = Math.Exp(-(1 - lambda) * (1 - progress));
        for (int i = 0; i < 8; i++)
        {
            bool right = i % 2 == 0;
            double expected = i < thinkers
                ? (right ? gThink : -(1 - gThink))
                : (right ? 2 * gNoThink : -gNoThink - 2 * (1 - gNoThink));
            Assert.Equal(expected, scores.Values[0][i], 12);
        }
    }

    [Fact]
    public void AtTheEndOfTrainingTheBaseValuesApply()
    {
        var f = SoftPenaltyFactors.Compute(0.7, 1);
        Assert.Equal(1, Atar.Value(ResponseMode.Think, true, f));
        Assert.Equal(0, Atar.Value(ResponseMode.Think, false, f));
        Assert.Equal(2, Atar.Value(ResponseMode.NoThink, true, f));
        Assert.Equal(-1, Atar.Value(ResponseMode.NoThink, false, f));
    }

    [Fact]
    public void InvalidResponsesGetTheLowestCaseValueOrTheConfiguredOne()
    {
        var f = SoftPenaltyFactors.Compute(0.5, 0);
        double lowest = -f.NoThink - 2 * (1 - f.NoThink);
        Assert.Equal(lowest, Atar.Value(ResponseMode.Invalid, false, f), 12);
        Assert.Equal(-3, new AdaptiveThinkAccuracyReward(new AtarOptions { Invalid = -3 }).Value(ResponseMode.Invalid, true, f));
    }

    [Fact]
    public void SoftPenaltyCanBeTurnedOffAndBaseValuesConfigured()
    {
        var plain = new AdaptiveThinkAccuracyReward(new AtarOptions { SoftPenalty = false, NoThinkCorrect = 1.5 });
        var f = plain.Factors(1, 0);
        Assert.Equal(SoftPenaltyFactors.None, f);
        Assert.Equal(1.5, plain.Value(ResponseMode.NoThink, true, f));
    }

    [Fact]
    public void BadOptionsNameTheKey()
    {
        var e = Assert.Throws<RewardsConfigurationException>(() => new AdaptiveThinkAccuracyReward(new AtarOptions { NoThinkCorrect = double.NaN }));
        Assert.Contains("rewards:atar:noThinkCorrect must be finite", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftPenaltyFactors.Compute(1.5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftPenaltyFactors.Compute(0.5, -0.1));
    }

    [Fact]
    public async Task WithoutAccuracyEarlierItSaysWhatIsMissing()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await Atar.ScoreAsync([Group(NoThink("dog"))], new RewardContext(0, 10)));
        Assert.Contains("needs reward 'accuracy'", e.Message);
    }

    private static async Task<IReadOnlyDictionary<string, RewardScores>> Earlier(IReadOnlyList<RolloutGroup> batch) =>
        new Dictionary<string, RewardScores> { [RewardNames.Accuracy] = await new AccuracyReward().ScoreAsync(batch, new RewardContext(0, 1)) };
}
