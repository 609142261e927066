using System.Text.RegularExpressions;
using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Matching;

/// <summary>Decides whether a response's answer is the right one, by the enabled <see cref="AnswerMatchRule"/>s.</summary>
public sealed partial class AnswerMatcher
{
    /// <summary>Creates a matcher that accepts an answer any of <paramref name="rules"/> accepts.</summary>
    public AnswerMatcher(IEnumerable<AnswerMatchRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules.Distinct().ToArray();
        if (Rules.Count == 0)
        {
            throw new ArgumentException("at least one answer match rule is needed", nameof(rules));
        }
    }

    /// <summary>The default: text or option letter (MMAU's token rule is more lenient and off by default).</summary>
    public static AnswerMatcher Default { get; } = new([AnswerMatchRule.Text, AnswerMatchRule.Letter]);

    /// <summary>The rules this matcher applies.</summary>
    public IReadOnlyList<AnswerMatchRule> Rules { get; }

    /// <summary>True when <paramref name="answer"/> is the question's right answer.</summary>
    public bool IsCorrect(string? answer, AudioQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return IsCorrect(answer, question.Answer, question.Choices);
    }

    /// <summary>True when <paramref name="answer"/> matches <paramref name="rightAnswer"/> among <paramref name="choices"/>.</summary>
    public bool IsCorrect(string? answer, string rightAnswer, IReadOnlyList<string> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (string.IsNullOrWhiteSpace(answer))
        {
            return false;
        }
        foreach (var rule in Rules)
        {
            bool ok = rule switch
            {
                AnswerMatchRule.Text => TextNormalizer.Normalize(answer) == TextNormalizer.Normalize(rightAnswer),
                AnswerMatchRule.Letter => TryResolveLetter(answer, choices, out int index)
                    && TextNormalizer.Normalize(choices[index]) == TextNormalizer.Normalize(rightAnswer),
                AnswerMatchRule.MmauTokens => MmauMatch(answer, rightAnswer, choices),
                _ => false,
            };
            if (ok)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Which choice <paramref name="text"/> names, by the enabled rules: its text, its letter, or (when enabled) MMAU's
    /// token rule against each choice in turn; -1 when none or more than one choice matches.
    /// </summary>
    public int ResolveChoice(string? text, IReadOnlyList<string> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (TextNormalizer.Normalize(text).Length == 0)
        {
            return -1;
        }
        int found = -1;
        for (int i = 0; i < choices.Count; i++)
        {
            if (IsCorrect(text, choices[i], choices))
            {
                // Duplicate choice texts name the same option; anything else is ambiguous.
                if (found >= 0 && TextNormalizer.Normalize(choices[found]) != TextNormalizer.Normalize(choices[i]))
                {
                    return -1;
                }
                if (found < 0)
                {
                    found = i;
                }
            }
        }
        return found;
    }

    /// <summary>
    /// MMAU's scoring rule. Tokens are the <c>\b\w+\b</c> matches of the lower-cased text; the prediction is right when it has
    /// tokens, contains every token of the answer, and contains none of the tokens that wrong choices have and the answer lacks.
    /// </summary>
    public static bool MmauMatch(string prediction, string answer, IReadOnlyList<string> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var predicted = TextNormalizer.Tokens(prediction);
        var right = TextNormalizer.Tokens(answer);
        if (predicted.Count == 0 || !right.IsSubsetOf(predicted))
        {
            return false;
        }
        foreach (var choice in choices)
        {
            var tokens = TextNormalizer.Tokens(choice);
            if (tokens.SetEquals(right))
            {
                continue;
            }
            tokens.ExceptWith(right);
            if (tokens.Overlaps(predicted))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Reads an option letter: <c>B</c>, <c>(B)</c>, <c>B.</c>, <c>B)</c>, <c>Option B</c>, each optionally followed by text that must
    /// then be that option's text. An answer whose whole text is one of the choices is read as text, never as a letter.
    /// </summary>
    public static bool TryResolveLetter(string? answer, IReadOnlyList<string> choices, out int index)
    {
        ArgumentNullException.ThrowIfNull(choices);
        index = -1;
        var norm = TextNormalizer.Normalize(answer);
        if (norm.Length == 0 || choices.Any(c => TextNormalizer.Normalize(c) == norm))
        {
            return false;
        }
        var m = LetterForm().Match(norm);
        if (!m.Success)
        {
            return false;
        }
        int i = m.Groups["letter"].Value[0] - 'a';
        if (i >= choices.Count)
        {
            return false;
        }
        var rest = m.Groups["rest"].Value;
        if (rest.Length > 0 && TextNormalizer.Normalize(rest) != TextNormalizer.Normalize(choices[i]))
        {
            return false;
        }
        index = i;
        return true;
    }

    [GeneratedRegex(@"^(?:(?:option|choice)\s+)?\(?(?<letter>[a-z])(?:\)|\.|:|\]|(?=\s)|$)\s*(?<rest>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LetterForm();
}
