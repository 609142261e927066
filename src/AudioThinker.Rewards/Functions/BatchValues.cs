using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Functions;

/// <summary>Helpers shared by the built-in rewards: map over a batch, read earlier scores.</summary>
internal static class BatchValues
{
    public static IReadOnlyList<IReadOnlyList<double>> Map(IReadOnlyList<RolloutGroup> batch, Func<RolloutGroup, Rollout, double> value)
    {
        var result = new IReadOnlyList<double>[batch.Count];
        for (int g = 0; g < batch.Count; g++)
        {
            var group = batch[g];
            var values = new double[group.Rollouts.Count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = value(group, group.Rollouts[i]);
            }
            result[g] = values;
        }
        return result;
    }

    /// <summary>The scores of reward <paramref name="name"/>, which <paramref name="reader"/> needs to have run earlier.</summary>
    public static RewardScores Earlier(RewardContext context, string name, string reader)
    {
        if (!context.Earlier.TryGetValue(name, out var scores))
        {
            throw new InvalidOperationException(
                $"reward '{reader}' needs reward '{name}' earlier in the pipeline (ran before it: {Describe(context.Earlier.Keys)})");
        }
        return scores;
    }

    public static int Count(IReadOnlyList<RolloutGroup> batch, Func<Rollout, bool> predicate) =>
        batch.Sum(g => g.Rollouts.Count(predicate));

    private static string Describe(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
