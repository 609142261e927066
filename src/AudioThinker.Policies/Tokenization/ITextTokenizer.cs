namespace AudioThinker.Policies.Tokenization;

/// <summary>Text ↔ token ids for a policy or judge model. Implementations: the Hugging Face tokenizer.json loader
/// (Qwen's byte-level BPE) and the compact word-level tokenizer of the from-scratch presets.</summary>
public interface ITextTokenizer
{
    /// <summary>Number of ids the model's embedding must cover (regular plus added/special tokens).</summary>
    int VocabularySize { get; }

    /// <summary>Encodes text; special tokens written literally in the text (e.g. <c>&lt;|im_start|&gt;</c>) map to their ids.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>Decodes ids; with <paramref name="skipSpecialTokens"/> the special tokens are left out.</summary>
    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);

    /// <summary>The id of a token given by its exact text (regular or special), or null.</summary>
    int? TokenToId(string token);

    /// <summary>The ids that end generation (e.g. <c>&lt;|im_end|&gt;</c>, <c>&lt;|endoftext|&gt;</c>).</summary>
    IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>The id used for left padding.</summary>
    int PadTokenId { get; }
}
