using System.Text;
using Microsoft.ML.Tokenizers;

namespace AudioThinker.Policies.Tokenization;

/// <summary>Unicode NFC, the <c>normalizer</c> of Qwen's tokenizer.json (Microsoft.ML.Tokenizers has none built in).</summary>
internal sealed class NfcNormalizer : Normalizer
{
    /// <summary>The one instance.</summary>
    public static NfcNormalizer Instance { get; } = new();

    /// <inheritdoc />
    public override string Normalize(string original)
    {
        var text = UnicodeText.ReplaceLoneSurrogates(original);
        if (!HasNoncharacter(text))
        {
            return text.Normalize(NormalizationForm.FormC);
        }
        // .NET refuses to normalise strings holding noncharacters (U+FDD0–U+FDEF, U+nFFFE, U+nFFFF), which Hugging Face's
        // tokenizers pass through. They neither compose nor decompose, so normalising the runs between them is exact.
        var result = new StringBuilder(text.Length);
        var run = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsNoncharacter(rune.Value))
            {
                result.Append(run.ToString().Normalize(NormalizationForm.FormC));
                run.Clear();
                result.Append(rune.ToString());
            }
            else
            {
                run.Append(rune.ToString());
            }
        }
        return result.Append(run.ToString().Normalize(NormalizationForm.FormC)).ToString();
    }

    private static bool IsNoncharacter(int cp) => cp is >= 0xFDD0 and <= 0xFDEF || (cp & 0xFFFE) == 0xFFFE;

    private static bool HasNoncharacter(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsNoncharacter(rune.Value))
            {
                return true;
            }
        }
        return false;
    }

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
