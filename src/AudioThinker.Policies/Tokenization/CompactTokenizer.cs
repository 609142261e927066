using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AudioThinker.Policies.Tokenization;

/// <summary>
/// The word-level tokenizer of the from-scratch presets. Its vocabulary is built from a corpus (the synthetic
/// dataset's prompts, reasoning and answers): each chat, audio and reasoning marker is one token, each digit is one
/// token, punctuation is split off one character at a time, and words carry their leading space (<c>" tone"</c>), as in
/// GPT-2, so spaces cost nothing. A piece not in the vocabulary is spelled as its UTF-8 bytes (256 byte tokens), so
/// <c>Decode(Encode(x)) == x</c> for every string: no whitespace or Unicode normalisation is applied, and the only
/// change is that an unpaired UTF-16 surrogate (which has no UTF-8 form) comes back as U+FFFD.
/// Ids: the added tokens first (0…n−1), then the bytes (<c>&lt;0x00&gt;</c>…<c>&lt;0xFF&gt;</c>), then the rest.
/// Thread-safe once built.
/// </summary>
public sealed class CompactTokenizer : ITextTokenizer
{
    /// <summary>The file name a checkpoint stores it under.</summary>
    public const string DefaultFileName = "compact_tokenizer.json";

    /// <summary>The added tokens every compact tokenizer has, in id order. The chat and audio markers are special
    /// (skipped by <c>Decode(…, skipSpecialTokens: true)</c>); the reasoning tags are not, so responses keep them.</summary>
    public static IReadOnlyList<AddedToken> DefaultAddedTokens { get; } =
    [
        new(0, "<|endoftext|>", true),
        new(1, "<|im_start|>", true),
        new(2, "<|im_end|>", true),
        new(3, "<|audio_bos|>", true),
        new(4, "<|AUDIO|>", true),
        new(5, "<|audio_eos|>", true),
        new(6, "<think>", false),
        new(7, "</think>", false),
        new(8, "<answer>", false),
        new(9, "</answer>", false),
    ];

    private static readonly string[] DefaultEos = ["<|im_end|>", "<|endoftext|>"];
    private const string DefaultPad = "<|endoftext|>";
    private const int ByteCount = 256;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly string[] _idToToken;
    private readonly Dictionary<string, int> _tokenToId;
    private readonly bool[] _special;
    private readonly int _firstByteId;
    private readonly CompactPreTokenizer _preTokenizer;
    private readonly List<string> _tokens;
    private readonly string[] _eosTokens;
    private readonly string _padToken;
    private readonly int? _spaceId;

    private CompactTokenizer(string source, IReadOnlyList<AddedToken> added, List<string> tokens, string[] eosTokens, string padToken)
    {
        AddedTokens = added;
        _tokens = tokens;
        _firstByteId = added.Count;
        VocabularySize = added.Count + ByteCount + tokens.Count;
        _idToToken = new string[VocabularySize];
        _special = new bool[VocabularySize];
        _tokenToId = new Dictionary<string, int>(VocabularySize, StringComparer.Ordinal);

        void Add(int id, string token, string what)
        {
            if (string.IsNullOrEmpty(token))
            {
                throw new InvalidDataException($"{source}: {what} is empty");
            }
            if (!_tokenToId.TryAdd(token, id))
            {
                throw new InvalidDataException($"{source}: {what} '{token}' repeats the token of id {_tokenToId[token]}");
            }
            _idToToken[id] = token;
        }

        for (var i = 0; i < added.Count; i++)
        {
            if (added[i].Id != i)
            {
                throw new InvalidDataException($"{source}: added_tokens[{i}] has id {added[i].Id}; added tokens must have ids 0…{added.Count - 1} in order");
            }
            Add(i, added[i].Content, $"added_tokens[{i}]");
            _special[i] = added[i].Special;
        }
        for (var b = 0; b < ByteCount; b++)
        {
            Add(_firstByteId + b, ByteToken(b), "byte token");
        }
        for (var i = 0; i < tokens.Count; i++)
        {
            Add(_firstByteId + ByteCount + i, tokens[i], $"tokens[{i}]");
        }

        _eosTokens = eosTokens;
        _padToken = padToken;
        EosTokenIds = eosTokens.Select((t, i) => TokenToId(t) ?? throw new InvalidDataException($"{source}: eos_tokens[{i}] '{t}' is not a token")).ToArray();
        if (EosTokenIds.Count == 0)
        {
            throw new InvalidDataException($"{source}: eos_tokens is empty");
        }
        PadTokenId = TokenToId(padToken) ?? throw new InvalidDataException($"{source}: pad_token '{padToken}' is not a token");
        _preTokenizer = new CompactPreTokenizer(added.Select(t => t.Content));
        _spaceId = TokenToId(" ");
    }

    /// <inheritdoc />
    public int VocabularySize { get; }

    /// <summary>The added tokens, ids 0…n−1.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <inheritdoc />
    public int PadTokenId { get; }

    /// <summary>
    /// Builds the vocabulary from a corpus: the added tokens, the 256 bytes, a space, a newline, each printable ASCII
    /// digit and punctuation character, each digit after a space, then the corpus's other pieces seen at least
    /// <see cref="CompactTokenizerOptions.MinFrequency"/> times, most frequent first (ties in ordinal order, so the same
    /// corpus always gives the same ids), up to <see cref="CompactTokenizerOptions.MaxVocabularySize"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The size limit is below the fixed part, or the frequency below 1.</exception>
    public static CompactTokenizer Build(IEnumerable<string> corpus, CompactTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        options ??= new CompactTokenizerOptions();
        if (options.MinFrequency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MinFrequency, "MinFrequency must be at least 1");
        }

        var fixedTokens = new List<string> { " ", "\n" };
        for (var c = '!'; c <= '~'; c++)
        {
            if (!char.IsAsciiLetter(c))
            {
                fixedTokens.Add(c.ToString());
            }
        }
        for (var d = '0'; d <= '9'; d++)
        {
            fixedTokens.Add(" " + d);
        }
        var fixedCount = DefaultAddedTokens.Count + ByteCount + fixedTokens.Count;
        if (options.MaxVocabularySize < fixedCount)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxVocabularySize, $"MaxVocabularySize must be at least {fixedCount} (added, byte and single-character tokens)");
        }

        var splitter = new CompactPreTokenizer(DefaultAddedTokens.Select(t => t.Content));
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in corpus)
        {
            ArgumentNullException.ThrowIfNull(text, "corpus item");
            foreach (var (piece, isSpecial) in splitter.Split(UnicodeText.ReplaceLoneSurrogates(text)))
            {
                if (!isSpecial)
                {
                    counts[piece] = counts.GetValueOrDefault(piece) + 1;
                }
            }
        }
        var taken = new HashSet<string>(fixedTokens, StringComparer.Ordinal);
        var learned = counts
            .Where(kv => kv.Value >= options.MinFrequency && !taken.Contains(kv.Key))
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(options.MaxVocabularySize - fixedCount)
            .Select(kv => kv.Key);
        return new CompactTokenizer("built vocabulary", DefaultAddedTokens, [.. fixedTokens, .. learned], DefaultEos, DefaultPad);
    }

    /// <summary>Reads a tokenizer written by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid compact tokenizer; the message names the file and field.</exception>
    public static CompactTokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"compact tokenizer file not found: {path}", path);
        }
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses the JSON that <see cref="ToJson"/> writes; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">The JSON is not a valid compact tokenizer.</exception>
    public static CompactTokenizer FromJson(string json, string source = "compact tokenizer JSON")
    {
        ArgumentNullException.ThrowIfNull(json);
        CompactTokenizerFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CompactTokenizerFile>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a compact tokenizer JSON file: {e.Message}", e);
        }
        if (file is null || file.Format != CompactTokenizerFile.FormatName)
        {
            throw new InvalidDataException($"{source}: field 'format' is '{file?.Format}', expected '{CompactTokenizerFile.FormatName}'");
        }
        if (file.Version != CompactTokenizerFile.CurrentVersion)
        {
            throw new InvalidDataException($"{source}: field 'version' is {file.Version}; this build reads version {CompactTokenizerFile.CurrentVersion}");
        }
        var added = (file.AddedTokens ?? throw new InvalidDataException($"{source}: field 'added_tokens' is missing"))
            .Select((t, i) => new AddedToken(t.Id, t.Content ?? throw new InvalidDataException($"{source}: added_tokens[{i}].content is missing"), t.Special))
            .ToList();
        var tokens = file.Tokens ?? throw new InvalidDataException($"{source}: field 'tokens' is missing");
        if (tokens.Any(t => t is null))
        {
            throw new InvalidDataException($"{source}: tokens[{tokens.FindIndex(t => t is null)}] is null");
        }
        var eos = file.EosTokens ?? throw new InvalidDataException($"{source}: field 'eos_tokens' is missing");
        var pad = file.PadToken ?? throw new InvalidDataException($"{source}: field 'pad_token' is missing");
        return new CompactTokenizer(source, added, tokens, [.. eos], pad);
    }

    /// <summary>The JSON form: format name and version, added tokens, regular tokens in id order, EOS and pad.</summary>
    public string ToJson() => JsonSerializer.Serialize(new CompactTokenizerFile
    {
        Format = CompactTokenizerFile.FormatName,
        Version = CompactTokenizerFile.CurrentVersion,
        AddedTokens = [.. AddedTokens.Select(t => new CompactAddedToken { Id = t.Id, Content = t.Content, Special = t.Special })],
        Tokens = _tokens,
        EosTokens = [.. _eosTokens],
        PadToken = _padToken,
    }, JsonOptions);

    /// <summary>Writes <see cref="ToJson"/> to a file (UTF-8), creating its folder.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
        File.WriteAllText(path, ToJson(), new UTF8Encoding(false));
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 1);
        foreach (var (piece, _) in _preTokenizer.Split(UnicodeText.ReplaceLoneSurrogates(text)))
        {
            if (_tokenToId.TryGetValue(piece, out var id))
            {
                ids.Add(id);
                continue;
            }
            // An unknown word keeps its space as the space token, so spaces always look the same to the model.
            var rest = piece;
            if (piece.Length > 1 && piece[0] == ' ' && _spaceId is int space)
            {
                ids.Add(space);
                rest = piece[1..];
            }
            if (_tokenToId.TryGetValue(rest, out id))
            {
                ids.Add(id);
                continue;
            }
            foreach (var b in Encoding.UTF8.GetBytes(rest))
            {
                ids.Add(_firstByteId + b);
            }
        }
        return ids;
    }

    /// <inheritdoc />
    /// <remarks>Byte tokens that do not form valid UTF-8 (a cut character) decode to U+FFFD.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new StringBuilder();
        var bytes = new List<byte>();
        void Flush()
        {
            if (bytes.Count > 0)
            {
                sb.Append(Encoding.UTF8.GetString(bytes.ToArray()));
                bytes.Clear();
            }
        }
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id {id} is outside the compact vocabulary (size {VocabularySize})");
            }
            if (id >= _firstByteId && id < _firstByteId + ByteCount)
            {
                bytes.Add((byte)(id - _firstByteId));
                continue;
            }
            Flush();
            if (!(skipSpecialTokens && _special[id]))
            {
                sb.Append(_idToToken[id]);
            }
        }
        Flush();
        return sb.ToString();
    }

    /// <inheritdoc />
    /// <remarks>Words are looked up with their leading space where they have one (<c>" tone"</c>); byte tokens as
    /// <c>&lt;0x41&gt;</c>.</remarks>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _tokenToId.TryGetValue(token, out var id) ? id : null;
    }

    /// <summary>The token with this id, or null.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)VocabularySize ? _idToToken[id] : null;

    private static string ByteToken(int b) => $"<0x{b:X2}>";
}
