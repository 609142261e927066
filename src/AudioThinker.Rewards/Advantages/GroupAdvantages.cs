using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Advantages;

/// <summary>Advantages for a batch, and how many groups carried no signal.</summary>
/// <param name="Values">Advantage per group, per rollout.</param>
/// <param name="ZeroVarianceGroups">Groups whose totals were all equal: their advantages are 0.</param>
public sealed record AdvantageResult(IReadOnlyList<IReadOnlyList<double>> Values, int ZeroVarianceGroups);

/// <summary>GRPO's group-relative advantages: <c>Â_i = (R_i − mean(R_group)) / (std + ε)</c> (Eq. 8).</summary>
public static class GroupAdvantages
{
    /// <summary>Computes advantages from totals laid out per group, per rollout.</summary>
    /// <remarks>A group whose totals are all equal (within 1e-12 relative) gets 0 everywhere and is counted, whatever the scaling;
    /// a group of one rollout is such a group.</remarks>
    public static AdvantageResult Compute(IReadOnlyList<IReadOnlyList<double>> totals, AdvantageOptions options)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(options);
        RewardsConfigurationException.ThrowIfAny(options.Validate(AdvantageOptions.Section));

        double batchStd = options.Scaling == AdvantageScaling.Batch
            ? StandardDeviation(totals.SelectMany(g => g).ToArray(), options.UnbiasedStd)
            : 0;

        var result = new IReadOnlyList<double>[totals.Count];
        int zero = 0;
        for (int g = 0; g < totals.Count; g++)
        {
            var group = totals[g];
            var adv = new double[group.Count];
            if (IsConstant(group))
            {
                zero++;
                result[g] = adv;
                continue;
            }
            double mean = group.Average();
            double scale = options.Scaling switch
            {
                AdvantageScaling.Group => StandardDeviation(group, options.UnbiasedStd) + options.Epsilon,
                AdvantageScaling.Batch => batchStd + options.Epsilon,
                _ => 1.0,
            };
            for (int i = 0; i < group.Count; i++)
            {
                adv[i] = (group[i] - mean) / scale;
            }
            result[g] = adv;
        }
        return new AdvantageResult(result, zero);
    }

    /// <summary>The standard deviation of <paramref name="values"/>; 0 for fewer than two values.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values, bool unbiased)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        if (n < 2)
        {
            return 0;
        }
        double mean = values.Average();
        double ss = 0;
        foreach (var v in values)
        {
            ss += (v - mean) * (v - mean);
        }
        return Math.Sqrt(ss / (unbiased ? n - 1 : n));
    }

    private static bool IsConstant(IReadOnlyList<double> group)
    {
        if (group.Count < 2)
        {
            return true;
        }
        double min = group.Min(), max = group.Max();
        return max - min <= 1e-12 * Math.Max(1.0, Math.Abs(max));
    }
}
