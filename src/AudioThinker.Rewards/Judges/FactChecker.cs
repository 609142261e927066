namespace AudioThinker.Rewards.Judges;

/// <summary>What the reasoning says about one ground-truth fact.</summary>
internal enum FactOutcome
{
    /// <summary>The fact's name is not mentioned with a value.</summary>
    Missing,
    /// <summary>The value stated last for the name is the fact's.</summary>
    Right,
    /// <summary>The value stated last for the name differs from the fact's.</summary>
    Wrong,
}

/// <summary>One fact's check.</summary>
internal sealed record FactCheck(string Name, string Value, FactOutcome Outcome, string? Stated);

/// <summary>
/// Compares the values a reasoning chain states for the facts' names with the facts. A name is found as its words
/// (underscores, hyphens and case ignored; the last word also singular or plural), clause by clause. For a numeric fact the
/// stated value is the number after a linking word ("high beeps is 3", "high beeps: 3", "high beeps were 3"), else the number
/// right before the name ("3 high beeps"), else the clause's number nearest the name; number words count as digits. Any other
/// fact is read in the name's sentence: right when its value's words appear there, else the words after a linking word
/// ("first beep pitch: low") are the stated value. The last statement about a name is the one checked.
/// </summary>
internal static class FactChecker
{
    private static readonly HashSet<string> Links = new(StringComparer.Ordinal)
    {
        "is", "are", "was", "were", "equals", "equal", "of", "totals", "total", "count", "number", "be", "being", "makes", "make",
    };

    public static IReadOnlyList<FactCheck> Check(string reasoning, IReadOnlyDictionary<string, string> facts)
    {
        var clauses = ReasoningText.Clauses(reasoning).Select(ReasoningText.CanonStatement).ToArray();
        var sentences = ReasoningText.Sentences(reasoning).Select(ReasoningText.CanonStatement).ToArray();
        var checks = new List<FactCheck>(facts.Count);
        foreach (var (name, value) in facts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var names = NameForms(name);
            var valueWords = ReasoningText.Canon(value);
            bool numeric = valueWords.Length == 1 && ReasoningText.IsNumber(valueWords[0], out _);
            // The statement furthest into the reasoning wins, whichever name form it used.
            string? stated = null;
            // Numbers are read clause by clause ("3 high, 2 low"); other values, which may contain commas, sentence by sentence.
            var parts = numeric ? clauses : sentences;
            (int Clause, int At) last = (-1, -1);
            for (int c = 0; c < parts.Length; c++)
            {
                foreach (var form in names)
                {
                    foreach (var at in ReasoningText.Occurrences(parts[c], form))
                    {
                        var s = numeric ? NumberFor(parts[c], at, at + form.Length) : WordsFor(parts[c], at + form.Length, valueWords);
                        if (s is not null && (c, at).CompareTo(last) > 0)
                        {
                            (stated, last) = (s, (c, at));
                        }
                    }
                }
            }
            var outcome = stated is null ? FactOutcome.Missing
                : Same(stated, valueWords, numeric) ? FactOutcome.Right
                : FactOutcome.Wrong;
            checks.Add(new FactCheck(name, value, outcome, stated));
        }
        return checks;
    }

    /// <summary>The name's words, and the same with the last word made singular or plural.</summary>
    internal static List<string[]> NameForms(string name)
    {
        var words = ReasoningText.Canon(name);
        var forms = new List<string[]>();
        if (words.Length == 0)
        {
            return forms;
        }
        forms.Add(words);
        var last = words[^1];
        var other = last.EndsWith('s') && last.Length > 2 ? last[..^1] : last + "s";
        forms.Add([.. words[..^1], other]);
        return forms;
    }

    private static string? NumberFor(string[] clause, int start, int end)
    {
        // "high beeps is 3" / "high beeps were 3": up to two linking words, then the number.
        int j = end;
        int linked = 0;
        while (j < clause.Length && linked < 2 && Links.Contains(clause[j]))
        {
            j++;
            linked++;
        }
        if (linked > 0 && j < clause.Length && ReasoningText.IsNumber(clause[j], out _))
        {
            return clause[j];
        }
        // "3 high beeps".
        if (start > 0 && ReasoningText.IsNumber(clause[start - 1], out _))
        {
            return clause[start - 1];
        }
        // Otherwise the nearest number in the clause; a tie goes to the one before the name.
        string? best = null;
        int bestDistance = int.MaxValue;
        for (int k = 0; k < clause.Length; k++)
        {
            if ((k >= start && k < end) || !ReasoningText.IsNumber(clause[k], out _))
            {
                continue;
            }
            int distance = k < start ? start - k : k - end + 1;
            if (distance < bestDistance)
            {
                (best, bestDistance) = (clause[k], distance);
            }
        }
        return best;
    }

    private static string? WordsFor(string[] sentence, int end, string[] valueWords)
    {
        if (ReasoningText.IndexOf(sentence, valueWords) >= 0)
        {
            return string.Join(' ', valueWords);
        }
        // "first beep pitch: low" states a value; "first beep pitch matters" does not.
        int j = end, linked = 0;
        while (j < sentence.Length && linked < 2 && Links.Contains(sentence[j]))
        {
            j++;
            linked++;
        }
        if (linked == 0 || j >= sentence.Length)
        {
            return null;
        }
        return string.Join(' ', sentence.Skip(j).Take(valueWords.Length));
    }

    private static bool Same(string stated, string[] valueWords, bool numeric)
    {
        if (numeric && ReasoningText.IsNumber(stated, out var s) && ReasoningText.IsNumber(valueWords[0], out var v))
        {
            return Math.Abs(s - v) <= 1e-9 * Math.Max(1, Math.Abs(v));
        }
        return stated == string.Join(' ', valueWords);
    }
}
