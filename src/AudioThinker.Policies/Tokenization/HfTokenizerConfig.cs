using System.Text.Json;

namespace AudioThinker.Policies.Tokenization;

/// <summary>
/// End-of-sequence and padding tokens from <c>tokenizer_config.json</c> (<c>eos_token</c>, <c>pad_token</c>: a string
/// or an <c>{"content": …}</c> object) and, when present, <c>generation_config.json</c> (<c>eos_token_id</c>: an id or
/// a list; <c>pad_token_id</c>). Chat checkpoints list <c>&lt;|im_end|&gt;</c> in one and <c>&lt;|endoftext|&gt;</c> in
/// the other, and generation must stop at both.
/// </summary>
internal static class HfTokenizerConfig
{
    /// <summary>Resolves the EOS ids (tokenizer_config's first, then generation_config's, without repeats) and the pad id
    /// (pad_token, else generation_config's pad_token_id, else the first EOS).</summary>
    /// <exception cref="InvalidDataException">A file is malformed, names a token the vocabulary lacks, or no EOS is given.</exception>
    public static (IReadOnlyList<int> Eos, int Pad) Resolve(
        string tokenizerConfigPath, string? generationConfigPath, Func<string, int?> tokenToId, int vocabularySize)
    {
        using var config = ReadJson(tokenizerConfigPath);
        var eos = new List<int>();
        int? pad = null;

        var eosToken = TokenText(tokenizerConfigPath, config.RootElement, "eos_token");
        if (eosToken is not null)
        {
            eos.Add(tokenToId(eosToken) ?? throw new InvalidDataException($"{tokenizerConfigPath}: eos_token '{eosToken}' is not a token of the tokenizer"));
        }
        var padToken = TokenText(tokenizerConfigPath, config.RootElement, "pad_token");
        if (padToken is not null)
        {
            pad = tokenToId(padToken) ?? throw new InvalidDataException($"{tokenizerConfigPath}: pad_token '{padToken}' is not a token of the tokenizer");
        }

        if (generationConfigPath is not null)
        {
            using var generation = ReadJson(generationConfigPath);
            var root = generation.RootElement;
            if (root.TryGetProperty("eos_token_id", out var ids))
            {
                foreach (var id in Ids(generationConfigPath, "eos_token_id", ids, vocabularySize))
                {
                    if (!eos.Contains(id))
                    {
                        eos.Add(id);
                    }
                }
            }
            if (pad is null && root.TryGetProperty("pad_token_id", out var padId) && padId.ValueKind != JsonValueKind.Null)
            {
                pad = padId.ValueKind == JsonValueKind.Number
                    ? Ids(generationConfigPath, "pad_token_id", padId, vocabularySize).Single()
                    : throw new InvalidDataException($"{generationConfigPath}: pad_token_id is {padId.GetRawText()}, not a token id");
            }
        }

        if (eos.Count == 0)
        {
            throw new InvalidDataException(
                $"{tokenizerConfigPath}: no eos_token" + (generationConfigPath is null ? "" : $", and {generationConfigPath} has no eos_token_id"));
        }
        return (eos, pad ?? eos[0]);
    }

    private static JsonDocument ReadJson(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"tokenizer configuration not found: {path}", path);
        }
        try
        {
            var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new InvalidDataException($"{path}: the top level is not a JSON object");
            }
            return doc;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    private static string? TokenText(string path, JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }
        throw new InvalidDataException($"{path}: {field} is {value.GetRawText()}, not a token string or an object with 'content'");
    }

    private static IEnumerable<int> Ids(string path, string field, JsonElement value, int vocabularySize)
    {
        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id) || id < 0 || id >= vocabularySize)
            {
                throw new InvalidDataException($"{path}: {field} has {item.GetRawText()}, not a token id in [0, {vocabularySize})");
            }
            yield return id;
        }
    }
}
