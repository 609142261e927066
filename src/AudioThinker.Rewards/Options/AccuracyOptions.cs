using AudioThinker.Rewards.Matching;

namespace AudioThinker.Rewards.Options;

/// <summary>Options of the accuracy reward (configuration section <c>rewards:accuracy</c>).</summary>
public sealed class AccuracyOptions
{
    /// <summary>The default section path, used in messages when options are given in code.</summary>
    public const string Section = "rewards:accuracy";

    /// <summary>How an answer may match the right choice; any listed rule suffices. Default (null): text and letter.</summary>
    public List<AnswerMatchRule>? Rules { get; set; }

    /// <summary>The matcher these options describe.</summary>
    public AnswerMatcher CreateMatcher() => Rules is null ? AnswerMatcher.Default : new AnswerMatcher(Rules);

    internal List<string> Validate(string path)
    {
        var errors = new List<string>();
        if (Rules is { Count: 0 })
        {
            errors.Add($"{path}:rules must list at least one of text, letter, mmauTokens");
        }
        return errors;
    }
}
