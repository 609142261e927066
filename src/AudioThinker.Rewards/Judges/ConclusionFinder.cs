using System.Text.RegularExpressions;
using AudioThinker.Rewards.Matching;

namespace AudioThinker.Rewards.Judges;

/// <summary>What a reasoning chain concludes, as the rule-based judge reads it.</summary>
/// <param name="Choice">The choice it concludes (index), or -1.</param>
/// <param name="Text">The concluding phrase, or null when none was found.</param>
/// <param name="How">How it was found, for the verdict's audit text.</param>
internal sealed record Conclusion(int Choice, string? Text, string How);

/// <summary>
/// Finds a reasoning chain's conclusion: the last explicit statement ("so the answer is X", "answer: X", "the correct option is X")
/// whose X names something, else (multiple choice) the choice mentioned last.
/// </summary>
internal static partial class ConclusionFinder
{
    private static readonly AnswerMatcher Lenient = new([AnswerMatchRule.Text, AnswerMatchRule.Letter, AnswerMatchRule.MmauTokens]);

    public static Conclusion Find(string reasoning, IReadOnlyList<string> choices)
    {
        var statements = Statement().Matches(reasoning).Select(m => m.Groups["c"].Value.Trim()).Where(s => s.Length > 0).ToList();
        for (int k = statements.Count - 1; k >= 0; k--)
        {
            if (choices.Count == 0)
            {
                return new Conclusion(-1, statements[k], "stated");
            }
            int choice = ChoiceOf(statements[k], choices);
            if (choice >= 0)
            {
                return new Conclusion(choice, statements[k], "stated");
            }
        }
        if (choices.Count == 0)
        {
            var clauses = ReasoningText.Clauses(reasoning);
            return clauses.Length == 0
                ? new Conclusion(-1, null, "none")
                : new Conclusion(-1, clauses[^1].Trim(), "last sentence");
        }
        var words = ReasoningText.Canon(reasoning);
        int best = -1, bestEnd = -1, bestLength = 0;
        for (int i = 0; i < choices.Count; i++)
        {
            var needle = ReasoningText.Canon(choices[i]);
            foreach (var at in ReasoningText.Occurrences(words, needle))
            {
                int end = at + needle.Length;
                if (end > bestEnd || (end == bestEnd && needle.Length > bestLength))
                {
                    (best, bestEnd, bestLength) = (i, end, needle.Length);
                }
            }
        }
        return best < 0 ? new Conclusion(-1, null, "none") : new Conclusion(best, choices[best], "last choice mentioned");
    }

    /// <summary>The choice <paramref name="text"/> names: by the matcher's rules, else the choice whose words come first in it.</summary>
    public static int ChoiceOf(string text, IReadOnlyList<string> choices)
    {
        int resolved = Lenient.ResolveChoice(text, choices);
        if (resolved >= 0)
        {
            return resolved;
        }
        var words = ReasoningText.Canon(text);
        int best = -1, bestStart = int.MaxValue, bestLength = 0;
        for (int i = 0; i < choices.Count; i++)
        {
            var needle = ReasoningText.Canon(choices[i]);
            int at = ReasoningText.IndexOf(words, needle);
            if (at >= 0 && (at < bestStart || (at == bestStart && needle.Length > bestLength)))
            {
                (best, bestStart, bestLength) = (i, at, needle.Length);
            }
        }
        return best;
    }

    [GeneratedRegex(
        @"\b(?:(?:final|correct|right|best)\s+)?(?:answer|choice|option)\s*(?:(?:is|would\s+be|should\s+be|must\s+be|will\s+be)\s*:?|[:=])\s*(?<c>(?:[^\r\n;!?.,]|[.,](?=\d))+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Statement();
}
