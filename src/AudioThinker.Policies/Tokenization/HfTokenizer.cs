using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace AudioThinker.Policies.Tokenization;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> (Qwen2/Qwen3 byte-level BPE) run by Microsoft.ML.Tokenizers'
/// <see cref="BpeTokenizer"/>: vocabulary and merges from <c>model</c>, byte-level on, the <c>pre_tokenizer</c>'s
/// split regex, NFC before encoding, and the added tokens matched literally first. Gives the ids of the
/// <c>tokenizers</c> library with <c>add_special_tokens=False</c> (no BOS/EOS is ever added) and its decoding.
/// Thread-safe.
/// </summary>
public sealed class HfTokenizer : ITextTokenizer
{
    /// <summary>The tokenizer file in a checkpoint folder (a <c>.gz</c> beside it is read as well).</summary>
    public const string TokenizerFileName = "tokenizer.json";

    /// <summary>The file naming <c>eos_token</c> and <c>pad_token</c>.</summary>
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>The optional file with further <c>eos_token_id</c>s.</summary>
    public const string GenerationConfigFileName = "generation_config.json";

    private readonly BpeTokenizer _bpe;
    private readonly Dictionary<string, int> _tokenToId;
    private readonly string?[] _idToToken;
    private readonly bool[] _special;

    private HfTokenizer(string source, HfTokenizerJson json, string tokenizerConfigPath, string? generationConfigPath)
    {
        Source = source;
        VocabularySize = Math.Max(json.Vocabulary.Max(kv => kv.Value), json.AddedTokens.Count == 0 ? -1 : json.AddedTokens.Max(t => t.Id)) + 1;
        _idToToken = new string?[VocabularySize];
        _special = new bool[VocabularySize];
        _tokenToId = new Dictionary<string, int>(json.Vocabulary.Count + json.AddedTokens.Count, StringComparer.Ordinal);
        foreach (var (token, id) in json.Vocabulary)
        {
            _tokenToId[token] = id;
            _idToToken[id] = token;
        }
        foreach (var t in json.AddedTokens)
        {
            // An added token may reuse a vocabulary id (tokenizers allows it); the added form wins, as there.
            _tokenToId[t.Content] = t.Id;
            _idToToken[t.Id] = t.Content;
            _special[t.Id] = t.Special;
        }
        AddedTokens = json.AddedTokens;
        // The configuration first: a wrong file fails before the (slower) BPE tables are built.
        (EosTokenIds, PadTokenId) = HfTokenizerConfig.Resolve(tokenizerConfigPath, generationConfigPath, TokenToId, VocabularySize);

        var added = json.AddedTokens.ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
        _bpe = BpeTokenizer.Create(new BpeOptions(json.Vocabulary)
        {
            Merges = json.Merges,
            SpecialTokens = added,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new Regex(json.SplitPattern, RegexOptions.Compiled | RegexOptions.CultureInvariant), added),
            Normalizer = json.Nfc ? NfcNormalizer.Instance : null,
        });
    }

    /// <summary>Loads <c>tokenizer.json</c> (or <c>tokenizer.json.gz</c>), <c>tokenizer_config.json</c> and, if present,
    /// <c>generation_config.json</c> from a checkpoint folder.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder has no tokenizer.json(.gz) or no tokenizer_config.json.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names the file and field.</exception>
    /// <exception cref="NotSupportedException">The tokenizer uses a component this loader does not implement.</exception>
    public static HfTokenizer FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"checkpoint folder not found: {directory}");
        }
        var json = Path.Combine(directory, TokenizerFileName);
        if (!File.Exists(json) && File.Exists(json + ".gz"))
        {
            json += ".gz";
        }
        if (!File.Exists(json))
        {
            throw new FileNotFoundException($"{directory}: no {TokenizerFileName} (or {TokenizerFileName}.gz); vocab.json + merges.txt alone are not read", json);
        }
        var generation = Path.Combine(directory, GenerationConfigFileName);
        return FromFiles(json, Path.Combine(directory, ConfigFileName), File.Exists(generation) ? generation : null);
    }

    /// <summary>Loads a tokenizer from explicit files.</summary>
    /// <param name="tokenizerJsonPath">The <c>tokenizer.json</c>, plain or gzip-compressed.</param>
    /// <param name="tokenizerConfigPath">The <c>tokenizer_config.json</c> naming <c>eos_token</c> and <c>pad_token</c>.</param>
    /// <param name="generationConfigPath">An optional <c>generation_config.json</c> whose <c>eos_token_id</c>s are added.</param>
    /// <exception cref="FileNotFoundException">A named file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names the file and field.</exception>
    /// <exception cref="NotSupportedException">The tokenizer uses a component this loader does not implement.</exception>
    public static HfTokenizer FromFiles(string tokenizerJsonPath, string tokenizerConfigPath, string? generationConfigPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerJsonPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerConfigPath);
        return new HfTokenizer(tokenizerJsonPath, HfTokenizerJson.Load(tokenizerJsonPath), tokenizerConfigPath, generationConfigPath);
    }

    /// <summary>The tokenizer.json this was read from.</summary>
    public string Source { get; }

    /// <inheritdoc />
    public int VocabularySize { get; }

    /// <summary>The added tokens (chat, audio and reasoning markers), in file order.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <inheritdoc />
    public int PadTokenId { get; }

    /// <inheritdoc />
    /// <remarks>Unpaired UTF-16 surrogates (which have no UTF-8 form) are encoded as U+FFFD.</remarks>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _bpe.EncodeToIds(UnicodeText.ReplaceLoneSurrogates(text));
    }

    /// <inheritdoc />
    /// <remarks>Only added tokens marked special are skipped (so <c>&lt;think&gt;</c> stays). Bytes that do not form
    /// valid UTF-8 (a cut multi-byte character) decode to U+FFFD, like <c>errors="replace"</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An id is not a token of this vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var kept = new List<int>();
        foreach (var id in ids)
        {
            // Microsoft.ML.Tokenizers drops unknown ids silently; a wrong id is a bug upstream, so say so.
            if ((uint)id >= (uint)VocabularySize || _idToToken[id] is null)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is not in the vocabulary of {Source} (size {VocabularySize})");
            }
            if (!(skipSpecialTokens && _special[id]))
            {
                kept.Add(id);
            }
        }
        return _bpe.Decode(kept, considerSpecialTokens: true);
    }

    /// <inheritdoc />
    /// <remarks>Regular tokens are looked up in their byte-level spelling, as in <c>tokenizer.json</c> (a leading
    /// space is <c>Ġ</c>: <c>"Ġworld"</c>); added tokens by their content.</remarks>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _tokenToId.TryGetValue(token, out var id) ? id : null;
    }

    /// <summary>The token with this id (byte-level spelling, or an added token's content), or null.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)VocabularySize ? _idToToken[id] : null;
}
