using System.Text;

namespace AudioThinker.Policies.Tokenization;

/// <summary>Text helpers shared by the tokenizers.</summary>
internal static class UnicodeText
{
    /// <summary>Replaces each unpaired UTF-16 surrogate with U+FFFD: such text has no UTF-8 form, so a byte-level
    /// tokenizer could not represent it (and .NET's normaliser rejects it).</summary>
    public static string ReplaceLoneSurrogates(string text)
    {
        var firstBad = FindLoneSurrogate(text, 0);
        if (firstBad < 0)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, firstBad);
        for (var i = firstBad; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[i + 1]);
                i++;
            }
            else
            {
                sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.ToString();
    }

    private static int FindLoneSurrogate(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }
}
