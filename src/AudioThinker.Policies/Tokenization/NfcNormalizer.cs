using System.Text;
using Microsoft.ML.Tokenizers;

namespace AudioThinker.Policies.Tokenization;

/// <summary>Unicode NFC, the <c>normalizer</c> of Qwen's tokenizer.json (Microsoft.ML.Tokenizers has none built in).</summary>
internal sealed class NfcNormalizer : Normalizer
{
    /// <summary>The one instance.</summary>
    public static NfcNormalizer Instance { get; } = new();

    /// <inheritdoc />
    public override string Normalize(string original) =>
        UnicodeText.ReplaceLoneSurrogates(original).Normalize(NormalizationForm.FormC);

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
