using System.Globalization;
using System.Text.RegularExpressions;
using AudioThinker.Rewards.Matching;

namespace AudioThinker.Rewards.Judges;

/// <summary>How the rule-based judge reads text: canonical words (number words as digits) and clauses.</summary>
internal static partial class ReasoningText
{
    private static readonly Dictionary<string, string> NumberWords = new(StringComparer.Ordinal)
    {
        ["zero"] = "0",
        ["none"] = "0",
        ["no"] = "0",
        ["one"] = "1",
        ["once"] = "1",
        ["single"] = "1",
        ["two"] = "2",
        ["twice"] = "2",
        ["three"] = "3",
        ["thrice"] = "3",
        ["four"] = "4",
        ["five"] = "5",
        ["six"] = "6",
        ["seven"] = "7",
        ["eight"] = "8",
        ["nine"] = "9",
        ["ten"] = "10",
        ["eleven"] = "11",
        ["twelve"] = "12",
        ["thirteen"] = "13",
        ["fourteen"] = "14",
        ["fifteen"] = "15",
        ["sixteen"] = "16",
        ["seventeen"] = "17",
        ["eighteen"] = "18",
        ["nineteen"] = "19",
        ["twenty"] = "20",
        ["thirty"] = "30",
        ["forty"] = "40",
        ["fifty"] = "50",
        ["sixty"] = "60",
        ["seventy"] = "70",
        ["eighty"] = "80",
        ["ninety"] = "90",
    };

    /// <summary>Canonical words: <see cref="TextNormalizer.Words"/> with number words replaced by digits.</summary>
    public static string[] Canon(string? text)
    {
        var words = TextNormalizer.Words(text);
        if (words.Length == 0)
        {
            return [];
        }
        var tokens = words.Split(' ');
        for (int i = 0; i < tokens.Length; i++)
        {
            if (NumberWords.TryGetValue(tokens[i], out var digits))
            {
                tokens[i] = digits;
            }
        }
        return tokens;
    }

    /// <summary>Canonical words with <c>:</c> and <c>=</c> read as "is", so "high beeps: 3" reads "high beeps is 3".</summary>
    public static string[] CanonStatement(string? text) => Canon(text?.Replace(":", " is ").Replace("=", " is "));

    /// <summary>Splits text at line breaks, <c>; , ! ?</c> and at periods that are not decimal points.</summary>
    public static string[] Clauses(string? text) =>
        string.IsNullOrEmpty(text) ? [] : ClauseBreak().Split(text).Where(c => !string.IsNullOrWhiteSpace(c)).ToArray();

    /// <summary>Splits text into sentences: at line breaks, <c>; ! ?</c> and periods that are not decimal points (not at commas).</summary>
    public static string[] Sentences(string? text) =>
        string.IsNullOrEmpty(text) ? [] : SentenceBreak().Split(text).Where(c => !string.IsNullOrWhiteSpace(c)).ToArray();

    /// <summary>True when <paramref name="token"/> is a number (digits, optionally one decimal point).</summary>
    public static bool IsNumber(string token, out double value) =>
        double.TryParse(token, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value) && token.Length > 0 && char.IsDigit(token[0]);

    /// <summary>Start of the first occurrence of <paramref name="needle"/> in <paramref name="hay"/> at or after <paramref name="from"/>; -1 if none.</summary>
    public static int IndexOf(string[] hay, string[] needle, int from = 0)
    {
        if (needle.Length == 0)
        {
            return -1;
        }
        for (int i = Math.Max(0, from); i + needle.Length <= hay.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && hay[i + k] == needle[k])
            {
                k++;
            }
            if (k == needle.Length)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Every start of <paramref name="needle"/> in <paramref name="hay"/>, in order (occurrences may overlap).</summary>
    public static IEnumerable<int> Occurrences(string[] hay, string[] needle)
    {
        int at = IndexOf(hay, needle);
        while (at >= 0)
        {
            yield return at;
            at = IndexOf(hay, needle, at + 1);
        }
    }

    [GeneratedRegex(@"[\r\n;,!?]+|\.(?!\d)|(?<!\d)\.")]
    private static partial Regex ClauseBreak();

    [GeneratedRegex(@"[\r\n;!?]+|\.(?!\d)|(?<!\d)\.")]
    private static partial Regex SentenceBreak();
}
