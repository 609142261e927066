using System.Text.Json.Serialization;

namespace AudioThinker.Policies.Tokenization;

/// <summary>The JSON form of a <see cref="CompactTokenizer"/>: what a checkpoint carries.</summary>
internal sealed record CompactTokenizerFile
{
    /// <summary>The value of <see cref="Format"/> in every such file.</summary>
    public const string FormatName = "audiothinker-compact-tokenizer";

    /// <summary>The only version written and read.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Identifies the file kind.</summary>
    [JsonPropertyName("format")]
    public string? Format { get; init; }

    /// <summary>Layout version.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; }

    /// <summary>The added tokens, ids 0…n−1 in order.</summary>
    [JsonPropertyName("added_tokens")]
    public List<CompactAddedToken>? AddedTokens { get; init; }

    /// <summary>The regular tokens, ids n+256 onwards in order (the 256 byte tokens between are implied).</summary>
    [JsonPropertyName("tokens")]
    public List<string>? Tokens { get; init; }

    /// <summary>The tokens that end generation.</summary>
    [JsonPropertyName("eos_tokens")]
    public List<string>? EosTokens { get; init; }

    /// <summary>The padding token.</summary>
    [JsonPropertyName("pad_token")]
    public string? PadToken { get; init; }
}

/// <summary>One added token in the file.</summary>
internal sealed record CompactAddedToken
{
    /// <summary>Its id.</summary>
    [JsonPropertyName("id")]
    public int Id { get; init; }

    /// <summary>Its text.</summary>
    [JsonPropertyName("content")]
    public string? Content { get; init; }

    /// <summary>Skipped when decoding with skipSpecialTokens.</summary>
    [JsonPropertyName("special")]
    public bool Special { get; init; }
}
