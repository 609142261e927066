using System.Text;
using System.Text.RegularExpressions;

namespace AudioThinker.Rewards.Matching;

/// <summary>The text normalisation every matcher and the rule-based judge share.</summary>
public static partial class TextNormalizer
{
    /// <summary>
    /// Lower-cases (invariant), trims, collapses runs of whitespace to one space, and removes surrounding quotes and
    /// brackets and a trailing period, so that <c>"Dog."</c> and <c>dog</c> compare equal.
    /// </summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }
        var s = Whitespace().Replace(text.Trim().ToLowerInvariant(), " ");
        // Peel wrappers one layer at a time so that ("dog.") also reduces to dog.
        while (s.Length > 0)
        {
            var before = s;
            if (s.EndsWith('.') || s.EndsWith('!'))
            {
                s = s[..^1].TrimEnd();
            }
            if (s.Length >= 2 && IsWrapper(s[0], s[^1]))
            {
                s = s[1..^1].Trim();
            }
            if (s == before)
            {
                break;
            }
        }
        return s;
    }

    /// <summary>MMAU's tokens: the set of <c>\b\w+\b</c> matches of the lower-cased text.</summary>
    public static HashSet<string> Tokens(string? text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(text))
        {
            return set;
        }
        foreach (Match m in Word().Matches(text.ToLowerInvariant()))
        {
            set.Add(m.Value);
        }
        return set;
    }

    /// <summary>
    /// Lower-cases and turns every run of characters that are not letters or digits into one space, so that
    /// <c>high_beeps</c>, <c>High-beeps</c> and <c>high beeps</c> all read <c>high beeps</c>. Decimal points between digits are kept.
    /// </summary>
    public static string Words(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var sb = new StringBuilder(text.Length);
        bool space = true;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool keep = char.IsLetterOrDigit(c)
                || (c == '.' && i > 0 && i + 1 < text.Length && char.IsDigit(text[i - 1]) && char.IsDigit(text[i + 1]));
            if (keep)
            {
                sb.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                sb.Append(' ');
                space = true;
            }
        }
        return sb.ToString().TrimEnd();
    }

    private static bool IsWrapper(char open, char close) =>
        (open, close) is ('"', '"') or ('\'', '\'') or ('(', ')') or ('[', ']') or ('{', '}') or ('`', '`') or ('*', '*');

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\b\w+\b", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}
