namespace AudioThinker.Rewards.Options;

/// <summary>Options of the think reward R_t (section <c>rewards:think</c>).</summary>
public sealed class ThinkOptions
{
    /// <summary>The default section path, used in messages when options are given in code.</summary>
    public const string Section = "rewards:think";

    /// <summary>The judge, by registered name. Default <c>rule</c> (the rule-based judge).</summary>
    public string Judge { get; set; } = "rule";

    /// <summary>What a no-think response gets when no response in the batch thinks (there is no mean to give it). Default 0:
    /// a constant that group normalisation removes, so it neither rewards nor punishes.</summary>
    public double WhenNobodyThinks { get; set; }

    internal List<string> Validate(string path)
    {
        var errors = new List<string>();
        OptionChecks.NotBlank(errors, path, "judge", Judge);
        OptionChecks.InRange(errors, path, "whenNobodyThinks", WhenNobodyThinks, 0, 1);
        return errors;
    }
}
