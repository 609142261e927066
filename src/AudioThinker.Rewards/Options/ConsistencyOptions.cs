namespace AudioThinker.Rewards.Options;

/// <summary>Options of the consistency reward R_c (section <c>rewards:consistency</c>).</summary>
public sealed class ConsistencyOptions
{
    /// <summary>The default section path, used in messages when options are given in code.</summary>
    public const string Section = "rewards:consistency";

    /// <summary>The judge, by registered name. Default <c>rule</c> (the rule-based judge).</summary>
    public string Judge { get; set; } = "rule";

    /// <summary>The reward whose value (≥ 0.5 means right) gates R_c: it applies only to right answers. Default <c>accuracy</c>.</summary>
    public string AccuracyReward { get; set; } = RewardNames.Accuracy;

    internal List<string> Validate(string path)
    {
        var errors = new List<string>();
        OptionChecks.NotBlank(errors, path, "judge", Judge);
        OptionChecks.NotBlank(errors, path, "accuracyReward", AccuracyReward);
        return errors;
    }
}
