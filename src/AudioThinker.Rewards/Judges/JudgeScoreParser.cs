using System.Globalization;
using System.Text.RegularExpressions;
using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Judges;

/// <summary>
/// Reads a judge model's output in the strict format the prompts ask for: optional leading whitespace, then exactly
/// <c>0</c> or <c>1</c> (consistency) or one of <c>0.0, 0.1, …, 1.0</c> (think quality), then the end of the output or a line
/// break (a base model keeps writing after it). Anything else, including a score outside the range, does not parse.
/// </summary>
public static partial class JudgeScoreParser
{
    /// <summary>Parses <paramref name="output"/>; false when it is not in the strict format.</summary>
    public static bool TryParse(JudgeKind kind, string? output, out double score)
    {
        score = 0;
        if (output is null)
        {
            return false;
        }
        var line = output.TrimStart();
        int nl = line.IndexOfAny(['\r', '\n']);
        if (nl >= 0)
        {
            line = line[..nl];
        }
        line = line.TrimEnd();
        var pattern = kind == JudgeKind.Consistency ? Binary() : Tenths();
        if (!pattern.IsMatch(line))
        {
            return false;
        }
        score = double.Parse(line, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return true;
    }

    [GeneratedRegex(@"^[01]$")]
    private static partial Regex Binary();

    [GeneratedRegex(@"^(?:0\.[0-9]|1\.0)$")]
    private static partial Regex Tenths();
}
