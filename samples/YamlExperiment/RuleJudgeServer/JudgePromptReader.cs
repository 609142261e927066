using System.Text.RegularExpressions;
using AudioThinker.Abstractions;

namespace RuleJudgeServer;

/// <summary>
/// Reads a judge request back out of a prompt built from AudioThinker's shipped judge templates: the
/// <c>&lt;&lt;&lt;BEGIN NAME&gt;&gt;&gt;</c> … <c>&lt;&lt;&lt;END NAME&gt;&gt;&gt;</c> blocks hold the data, and the last line
/// (<c>Verdict:</c> or <c>Score:</c>) says which kind of judgment is asked for.
/// </summary>
public static partial class JudgePromptReader
{
    /// <summary>The request, or an exception naming what the prompt lacks.</summary>
    /// <exception cref="FormatException">The prompt is not one of the shipped templates' shape.</exception>
    public static JudgeRequest Read(string prompt)
    {
        var blocks = Block().Matches(prompt).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["body"].Value.Trim(), StringComparer.Ordinal);
        var tail = prompt.TrimEnd();
        var kind = tail.EndsWith("Verdict:", StringComparison.Ordinal) ? JudgeKind.Consistency
            : tail.EndsWith("Score:", StringComparison.Ordinal) ? JudgeKind.ThinkQuality
            : throw new FormatException("the prompt ends with neither 'Verdict:' (consistency) nor 'Score:' (think quality)");
        string Need(string name) => blocks.TryGetValue(name, out var v) ? v : throw new FormatException($"the prompt has no <<<BEGIN {name}>>> block");
        var choices = Need("OPTIONS").StartsWith("(none", StringComparison.Ordinal) ? [] : Need("OPTIONS")
            .Split('\n').Select(l => Choice().Match(l.Trim())).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (blocks.TryGetValue("FACTS", out var factLines) && !factLines.StartsWith("(none", StringComparison.Ordinal))
        {
            foreach (var line in factLines.Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    facts[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }
        }
        return new JudgeRequest(kind, Need("QUESTION"), choices, Need("REASONING"), Need("ANSWER")) { Facts = facts };
    }

    /// <summary>The verdict as the judge model would write it: <c>1</c>/<c>0</c>, or a score with one decimal.</summary>
    public static string Format(JudgeKind kind, double score) =>
        kind == JudgeKind.Consistency ? (score >= 0.5 ? "1" : "0") : (Math.Round(score * 10) / 10).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^<<<BEGIN (?<name>[A-Z]+)>>>\r?\n(?<body>.*?)\r?\n<<<END \k<name>>>>", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"^[A-Z]\. (.*)$")]
    private static partial Regex Choice();
}
