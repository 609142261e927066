using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Judges;

/// <summary>Thresholds of the rule-based judge's structural checks (section <c>rewards:judges:NAME</c> with <c>type: rule-based</c>).</summary>
public sealed class RuleBasedJudgeOptions
{
    /// <summary>Reasoning with fewer words than this is degenerate and scores 0. Default 5.</summary>
    public int MinWords { get; set; } = 5;

    /// <summary>Reasoning longer than this is scaled by MaxWords/words. Default 400.</summary>
    public int MaxWords { get; set; } = 400;

    /// <summary>A share of distinct word trigrams below this is a loop and scores 0. Default 0.5.</summary>
    public double RepetitionFloor { get; set; } = 0.5;

    /// <summary>A share of distinct word trigrams at or above this is not penalised; between the floor and this the score scales
    /// linearly. Default 0.8.</summary>
    public double RepetitionFull { get; set; } = 0.8;

    internal List<string> Validate(string path)
    {
        var errors = new List<string>();
        OptionChecks.AtLeast(errors, path, "minWords", MinWords, 1);
        if (MaxWords < MinWords)
        {
            errors.Add($"{path}:maxWords must be at least minWords ({MinWords}) (got {MaxWords})");
        }
        OptionChecks.InRange(errors, path, "repetitionFloor", RepetitionFloor, 0, 1);
        OptionChecks.InRange(errors, path, "repetitionFull", RepetitionFull, 0, 1);
        if (!(RepetitionFull > RepetitionFloor))
        {
            errors.Add($"{path}:repetitionFull must be above repetitionFloor ({RepetitionFloor}) (got {RepetitionFull})");
        }
        return errors;
    }
}
