using System.Globalization;
using System.Text;

namespace AudioThinker.Data.Evaluation;

/// <summary>
/// The answer rule of MMAU's and MMAR's official <c>evaluation.py</c> (<c>string_match</c>): tokens are the set of
/// <c>\b\w+\b</c> matches of the lower-cased text; a prediction is right when it is not empty, holds every token of
/// the answer, and holds no token of a wrong choice (tokens the answer shares are not counted against it; a choice
/// whose token set equals the answer's is not a wrong choice).
/// </summary>
public static class StringMatch
{
    /// <summary>Applies the rule.</summary>
    public static bool IsMatch(string answer, string prediction, IReadOnlyList<string> choices)
    {
        var predictionTokens = Tokenize(prediction);
        if (predictionTokens.Count == 0)
        {
            return false;
        }
        var answerTokens = Tokenize(answer);
        var incorrect = new HashSet<string>(StringComparer.Ordinal);
        foreach (var choice in choices)
        {
            var tokens = Tokenize(choice);
            if (!tokens.SetEquals(answerTokens))
            {
                tokens.ExceptWith(answerTokens);
                incorrect.UnionWith(tokens);
            }
        }
        return answerTokens.IsSubsetOf(predictionTokens) && !predictionTokens.Overlaps(incorrect);
    }

    /// <summary>
    /// Python's <c>set(re.findall(r'\b\w+\b', text.lower()))</c>: maximal runs of word characters, which Python
    /// defines as letters (Lu, Ll, Lt, Lm, Lo), numbers (Nd, Nl, No) and the underscore, compared by code point.
    /// </summary>
    public static HashSet<string> Tokenize(string text)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        var current = new StringBuilder();
        foreach (var rune in text.ToLowerInvariant().EnumerateRunes())
        {
            if (IsWordCharacter(rune))
            {
                current.Append(rune.ToString());
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }
        return tokens;
    }

    private static bool IsWordCharacter(Rune rune) => rune.Value == '_' || Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
}
