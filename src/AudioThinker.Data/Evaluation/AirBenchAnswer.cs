namespace AudioThinker.Data.Evaluation;

/// <summary>
/// The answer rule of AIR-Bench's official <c>score_foundation.py</c>: strip the response and delete its newlines;
/// an empty response or the text "None" fails; else the first character is the answer if it is A–D, otherwise the
/// second-to-last character if it is A–D ("The answer is B."); anything else fails. Failures are left out of the
/// denominator. The right letter is that of the first choice equal to <c>answer_gt</c>.
/// </summary>
public static class AirBenchAnswer
{
    /// <summary>The letter the rule reads from a response, or null for a failure.</summary>
    public static char? ExtractLetter(string? response)
    {
        if (response is null)
        {
            return null;
        }
        var predict = response.Trim().Replace("\n", "", StringComparison.Ordinal);
        if (predict.Length == 0 || predict == "None")
        {
            return null;
        }
        // Python indexes code points, so count in runes (an emoji at the end must not split into two chars).
        var runes = predict.EnumerateRunes().Select(r => r.Value).ToArray();
        if (IsLetter(runes[0]))
        {
            return (char)runes[0];
        }
        if (runes.Length > 1 && IsLetter(runes[^2]))
        {
            return (char)runes[^2];
        }
        return null;
    }

    /// <summary>The letter of the right choice, or null when <paramref name="answer"/> is none of the first four choices.</summary>
    public static char? AnswerLetter(string answer, IReadOnlyList<string> choices)
    {
        for (var i = 0; i < Math.Min(4, choices.Count); i++)
        {
            if (choices[i] == answer)
            {
                return (char)('A' + i);
            }
        }
        return null;
    }

    private static bool IsLetter(int codePoint) => codePoint is 'A' or 'B' or 'C' or 'D';
}
