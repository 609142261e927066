namespace AudioThinker.Policies.Tokenization;

/// <summary>How <see cref="CompactTokenizer.Build"/> picks its vocabulary.</summary>
public sealed record CompactTokenizerOptions
{
    /// <summary>Most ids in all, the fixed part (special, byte and single-character tokens) included. Default 4096.</summary>
    public int MaxVocabularySize { get; init; } = 4096;

    /// <summary>A word enters the vocabulary only if the corpus has it at least this often; rarer words are spelled
    /// in bytes. Default 2.</summary>
    public int MinFrequency { get; init; } = 2;
}
