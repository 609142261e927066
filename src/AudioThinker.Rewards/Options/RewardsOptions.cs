namespace AudioThinker.Rewards.Options;

/// <summary>The top of the rewards configuration (section <c>rewards</c>): which rewards run, and how they combine.</summary>
public sealed class RewardsOptions
{
    /// <summary>The default section path, used in messages when options are given in code.</summary>
    public const string Section = "rewards";

    /// <summary>The rewards to run, in order. Default (null): format, accuracy, atar, consistency, think, then every reward
    /// registered with <c>AddReward</c>, in registration order.</summary>
    public List<string>? Pipeline { get; set; }

    /// <summary>How rewards combine into the total. Default eq7.</summary>
    public CombinerKind Combiner { get; set; } = CombinerKind.Eq7;

    /// <summary>Weights by reward name. With <c>weighted</c>, every pipeline reward not listed here weighs 1 (or its registration
    /// weight); with <c>eq7</c>, listed rewards outside Eq. 7 are added to it with their weight.</summary>
    public Dictionary<string, double> Weights { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    internal List<string> Validate(string path)
    {
        var errors = new List<string>();
        if (Pipeline is { Count: 0 })
        {
            errors.Add($"{path}:pipeline must list at least one reward");
        }
        if (Pipeline is not null)
        {
            foreach (var dup in Pipeline.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                errors.Add($"{path}:pipeline lists '{dup.Key}' more than once");
            }
            if (Pipeline.Any(n => string.Equals(n, RewardNames.Total, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{path}:pipeline cannot list '{RewardNames.Total}': that name is the combined reward's");
            }
        }
        foreach (var (name, weight) in Weights)
        {
            OptionChecks.Finite(errors, path, $"weights:{name}", weight);
        }
        if (!Enum.IsDefined(Combiner))
        {
            errors.Add($"{path}:combiner must be eq7 or weighted (got {Combiner})");
        }
        return errors;
    }
}
