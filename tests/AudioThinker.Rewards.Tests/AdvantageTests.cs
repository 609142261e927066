using AudioThinker.Rewards.Advantages;
using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Tests;

public class AdvantageTests
{
    private static readonly double[][] Totals = [[1, 2, 3, 6], [5, 5, 5, 5], [0, 10]];

    [Fact]
    public void GroupScalingIsEq8WithSampleStd()
    {
        var r = GroupAdvantages.Compute(Totals, new AdvantageOptions());
        double mean = 3, std = Math.Sqrt(((4 + 1 + 0 + 9) / 3.0)); // sample std of 1,2,3,6
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal((Totals[0][i] - mean) / (std + 1e-4), r.Values[0][i], 12);
        }
        Assert.All(r.Values[1], a => Assert.Equal(0, a));
        Assert.Equal(1, r.ZeroVarianceGroups);
        Assert.Equal(5 / (Math.Sqrt(50) + 1e-4), r.Values[2][1], 12);
    }

    [Fact]
    public void PopulationStdIsAnOption()
    {
        var r = GroupAdvantages.Compute(Totals, new AdvantageOptions { UnbiasedStd = false, Epsilon = 0 });
        Assert.Equal(1.0, r.Values[2][1], 12); // (10 - 5) / 5
    }

    [Fact]
    public void BatchScalingDividesByTheBatchStd()
    {
        var r = GroupAdvantages.Compute(Totals, new AdvantageOptions { Scaling = AdvantageScaling.Batch });
        var all = Totals.SelectMany(g => g).ToArray();
        double std = GroupAdvantages.StandardDeviation(all, true);
        Assert.Equal((6 - 3) / (std + 1e-4), r.Values[0][3], 12);
        Assert.Equal((10 - 5) / (std + 1e-4), r.Values[2][1], 12);
        Assert.Equal(1, r.ZeroVarianceGroups);
    }

    [Fact]
    public void NoScalingLeavesTheCentredReward()
    {
        var r = GroupAdvantages.Compute(Totals, new AdvantageOptions { Scaling = AdvantageScaling.None });
        Assert.Equal([-2, -1, 0, 3], r.Values[0]);
        Assert.Equal(1, r.ZeroVarianceGroups);
    }

    [Fact]
    public void SingleRolloutGroupsAndEmptyBatchesCarryNoSignal()
    {
        var r = GroupAdvantages.Compute([[3.0], []], new AdvantageOptions());
        Assert.Equal([0.0], r.Values[0]);
        Assert.Empty(r.Values[1]);
        Assert.Equal(2, r.ZeroVarianceGroups);
    }

    [Fact]
    public void AdvantagesOfAGroupSumToZero()
    {
        var rng = new Random(7);
        var totals = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 8).Select(_ => rng.NextDouble() * 4 - 2).ToArray()).ToArray();
        foreach (var scaling in Enum.GetValues<AdvantageScaling>())
        {
            var r = GroupAdvantages.Compute(totals, new AdvantageOptions { Scaling = scaling });
            Assert.All(r.Values, g => Assert.Equal(0, g.Sum(), 9));
        }
    }

    [Fact]
    public void BadEpsilonNamesTheKey()
    {
        var e = Assert.Throws<RewardsConfigurationException>(() => GroupAdvantages.Compute(Totals, new AdvantageOptions { Epsilon = -1 }));
        Assert.Contains("rewards:advantage:epsilon", e.Message);
    }
}
