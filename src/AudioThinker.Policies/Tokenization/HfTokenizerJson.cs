using System.IO.Compression;
using System.Text.Json;

namespace AudioThinker.Policies.Tokenization;

/// <summary>
/// The parts of a Hugging Face <c>tokenizer.json</c> that a byte-level BPE needs, read and checked. Only the
/// layout Qwen2/Qwen3 use is accepted (BPE model, NFC or no normaliser, a regex <c>Split</c> then <c>ByteLevel</c>
/// pre-tokenizer, <c>ByteLevel</c> decoder); anything else is refused by name rather than tokenized differently.
/// </summary>
internal sealed record HfTokenizerJson(
    IReadOnlyList<KeyValuePair<string, int>> Vocabulary,
    IReadOnlyList<string> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    string SplitPattern,
    bool Nfc)
{
    /// <summary>Reads a tokenizer.json, plain or gzip-compressed (told apart by the gzip magic bytes).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid tokenizer.json; the message names the file and field.</exception>
    /// <exception cref="NotSupportedException">The file uses a component this loader does not implement; the message names it.</exception>
    public static HfTokenizerJson Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"tokenizer file not found: {path}", path);
        }
        JsonDocument doc;
        try
        {
            using var stream = OpenMaybeGzip(path);
            doc = JsonDocument.Parse(stream);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a JSON tokenizer file: {e.Message}", e);
        }
        using (doc)
        {
            return Parse(path, doc.RootElement);
        }
    }

    private static Stream OpenMaybeGzip(string path)
    {
        var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        var n = file.Read(magic);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1F && magic[1] == 0x8B ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static HfTokenizerJson Parse(string path, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path}: the top level is not a JSON object");
        }
        var model = Required(path, root, "model", JsonValueKind.Object);
        var modelType = OptionalString(path, model, "type", "model.type");
        if (modelType != "BPE")
        {
            throw new NotSupportedException($"{path}: model.type is '{modelType ?? "(missing)"}'; only BPE is supported");
        }
        RefuseIfSet(path, model, "dropout", "model.dropout", "BPE dropout samples merges at random");
        RefuseIfTrue(path, model, "byte_fallback", "model.byte_fallback");
        RefuseIfTrue(path, model, "ignore_merges", "model.ignore_merges");
        RefuseIfNonEmpty(path, model, "continuing_subword_prefix");
        RefuseIfNonEmpty(path, model, "end_of_word_suffix");

        var vocabulary = ReadVocabulary(path, Required(path, model, "vocab", JsonValueKind.Object));
        var merges = ReadMerges(path, Required(path, model, "merges", JsonValueKind.Array));
        var added = ReadAddedTokens(path, root);
        var nfc = ReadNormalizer(path, root);
        var pattern = ReadPreTokenizer(path, root);
        CheckDecoder(path, root);
        return new HfTokenizerJson(vocabulary, merges, added, pattern, nfc);
    }

    private static List<KeyValuePair<string, int>> ReadVocabulary(string path, JsonElement vocab)
    {
        var list = new List<KeyValuePair<string, int>>();
        var seenIds = new HashSet<int>();
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new InvalidDataException($"{path}: model.vocab['{entry.Name}'] is {entry.Value.GetRawText()}, not a non-negative integer id");
            }
            if (!seenIds.Add(id))
            {
                throw new InvalidDataException($"{path}: model.vocab gives id {id} to more than one token (again to '{entry.Name}')");
            }
            list.Add(new(entry.Name, id));
        }
        if (list.Count == 0)
        {
            throw new InvalidDataException($"{path}: model.vocab is empty");
        }
        return list;
    }

    private static List<string> ReadMerges(string path, JsonElement merges)
    {
        // tokenizers ≥ 0.20 writes each merge as ["a", "b"]; older files as "a b". Byte-level tokens never hold a
        // space (it is mapped to 'Ġ'), so the joined form is unambiguous.
        var list = new List<string>(merges.GetArrayLength());
        var i = 0;
        foreach (var m in merges.EnumerateArray())
        {
            if (m.ValueKind == JsonValueKind.String && m.GetString()!.Split(' ').Length == 2)
            {
                list.Add(m.GetString()!);
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2
                     && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String
                     && !m[0].GetString()!.Contains(' ') && !m[1].GetString()!.Contains(' '))
            {
                list.Add(m[0].GetString() + " " + m[1].GetString());
            }
            else
            {
                throw new InvalidDataException($"{path}: model.merges[{i}] is {m.GetRawText()}, not a pair of space-free tokens");
            }
            i++;
        }
        return list;
    }

    private static List<AddedToken> ReadAddedTokens(string path, JsonElement root)
    {
        var list = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind == JsonValueKind.Null)
        {
            return list;
        }
        if (added.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{path}: added_tokens is not an array");
        }
        var i = 0;
        foreach (var t in added.EnumerateArray())
        {
            var field = $"added_tokens[{i}]";
            if (t.ValueKind != JsonValueKind.Object
                || !t.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out var id) || id < 0
                || !t.TryGetProperty("content", out var contentElement) || contentElement.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(contentElement.GetString()))
            {
                throw new InvalidDataException($"{path}: {field} needs a non-negative integer 'id' and a non-empty string 'content'");
            }
            var content = contentElement.GetString()!;
            foreach (var flag in new[] { "lstrip", "rstrip", "single_word" })
            {
                if (t.TryGetProperty(flag, out var v) && v.ValueKind == JsonValueKind.True)
                {
                    throw new NotSupportedException($"{path}: {field} ('{content}') sets {flag}, which this loader does not implement");
                }
            }
            var special = t.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
            list.Add(new AddedToken(id, content, special));
            i++;
        }
        return list;
    }

    private static bool ReadNormalizer(string path, JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out var n) || n.ValueKind == JsonValueKind.Null)
        {
            return false;
        }
        var type = OptionalString(path, n, "type", "normalizer.type");
        if (type == "NFC")
        {
            return true;
        }
        if (type == "Sequence" && n.TryGetProperty("normalizers", out var items) && items.ValueKind == JsonValueKind.Array
            && items.GetArrayLength() == 1 && OptionalString(path, items[0], "type", "normalizer.normalizers[0].type") == "NFC")
        {
            return true;
        }
        throw new NotSupportedException($"{path}: normalizer {n.GetRawText()} is not supported (only NFC or none)");
    }

    private static string ReadPreTokenizer(string path, JsonElement root)
    {
        var pre = Required(path, root, "pre_tokenizer", JsonValueKind.Object);
        const string Expected = "a Sequence of Split (Regex pattern, Isolated) then ByteLevel (no prefix space, no regex)";
        if (OptionalString(path, pre, "type", "pre_tokenizer.type") != "Sequence"
            || !pre.TryGetProperty("pretokenizers", out var steps) || steps.ValueKind != JsonValueKind.Array || steps.GetArrayLength() != 2)
        {
            throw new NotSupportedException($"{path}: pre_tokenizer must be {Expected}; found {Shorten(pre.GetRawText())}");
        }
        var split = steps[0];
        var byteLevel = steps[1];
        if (OptionalString(path, split, "type", "pre_tokenizer.pretokenizers[0].type") != "Split"
            || !split.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.Object
            || !pattern.TryGetProperty("Regex", out var regex) || regex.ValueKind != JsonValueKind.String
            || OptionalString(path, split, "behavior", "pre_tokenizer.pretokenizers[0].behavior") != "Isolated"
            || (split.TryGetProperty("invert", out var invert) && invert.ValueKind == JsonValueKind.True))
        {
            throw new NotSupportedException($"{path}: pre_tokenizer.pretokenizers[0] must be a Split with a Regex pattern, behavior Isolated, not inverted; found {Shorten(split.GetRawText())}");
        }
        if (OptionalString(path, byteLevel, "type", "pre_tokenizer.pretokenizers[1].type") != "ByteLevel"
            || (byteLevel.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
            || (byteLevel.TryGetProperty("use_regex", out var useRegex) && useRegex.ValueKind == JsonValueKind.True))
        {
            throw new NotSupportedException($"{path}: pre_tokenizer.pretokenizers[1] must be ByteLevel with add_prefix_space and use_regex false; found {Shorten(byteLevel.GetRawText())}");
        }
        return regex.GetString()!;
    }

    private static void CheckDecoder(string path, JsonElement root)
    {
        var decoder = Required(path, root, "decoder", JsonValueKind.Object);
        var type = OptionalString(path, decoder, "type", "decoder.type");
        if (type != "ByteLevel")
        {
            throw new NotSupportedException($"{path}: decoder.type is '{type ?? "(missing)"}'; only ByteLevel is supported");
        }
    }

    private static JsonElement Required(string path, JsonElement parent, string name, JsonValueKind kind)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != kind)
        {
            throw new InvalidDataException($"{path}: field '{name}' is missing or not a JSON {kind.ToString().ToLowerInvariant()}");
        }
        return value;
    }

    private static string? OptionalString(string path, JsonElement parent, string name, string field)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new InvalidDataException($"{path}: {field} is {value.GetRawText()}, not a string");
    }

    private static void RefuseIfSet(string path, JsonElement model, string name, string field, string why)
    {
        if (model.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)
        {
            throw new NotSupportedException($"{path}: {field} is {v.GetRawText()}; not supported ({why})");
        }
    }

    private static void RefuseIfTrue(string path, JsonElement model, string name, string field)
    {
        if (model.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True)
        {
            throw new NotSupportedException($"{path}: {field} is true; not supported");
        }
    }

    private static void RefuseIfNonEmpty(string path, JsonElement model, string name)
    {
        if (model.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0)
        {
            throw new NotSupportedException($"{path}: model.{name} is '{v.GetString()}'; byte-level BPE with a subword prefix/suffix is not supported");
        }
    }

    private static string Shorten(string json) => json.Length <= 200 ? json : json[..200] + "…";
}
