using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioThinker.Data.Datasets;

/// <summary>
/// One JSON object of a dataset file with the place it came from ("file:line" or "file[record]"), and typed field
/// access that fails with a <see cref="DatasetFormatException"/> naming that place and the field.
/// </summary>
public sealed class JsonRecord
{
    /// <summary>Wraps <paramref name="node"/>, read from <paramref name="location"/>.</summary>
    public JsonRecord(JsonNode? node, string location)
    {
        Location = location;
        Object = node as JsonObject ?? throw new DatasetFormatException(location, $"expected a JSON object, got {Describe(node)}");
    }

    /// <summary>Where the record is: "file:line" for JSONL, "file[index]" for a JSON array.</summary>
    public string Location { get; }

    /// <summary>The object itself.</summary>
    public JsonObject Object { get; }

    /// <summary>Reads every record of a JSON array file or a JSONL file (told apart by the first non-blank character).</summary>
    /// <exception cref="DatasetFormatException">The file is missing, not JSON, or holds something other than objects.</exception>
    public static IReadOnlyList<JsonRecord> ReadAll(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(path, e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot read: {e.Message}", e);
        }
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty)
        {
            throw new DatasetFormatException(path, "file is empty");
        }
        if (trimmed[0] == '[')
        {
            JsonArray array;
            try
            {
                array = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true })?.AsArray()
                        ?? throw new DatasetFormatException(path, "file holds null");
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(path, $"not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
            }
            return array.Select((n, i) => new JsonRecord(n, $"{path}[{i}]")).ToList();
        }
        var records = new List<JsonRecord>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException($"{path}:{lineNumber}", $"not valid JSON: {e.Message}", e);
            }
            records.Add(new JsonRecord(node, $"{path}:{lineNumber}"));
        }
        return records;
    }

    /// <summary>Whether the field exists and is not null.</summary>
    public bool Has(string field) => Object.TryGetPropertyValue(field, out var v) && v is not null;

    /// <summary>The node at a field name or a dotted path ("meta.task"); null when absent.</summary>
    public JsonNode? Find(string path)
    {
        if (Object.TryGetPropertyValue(path, out var direct))
        {
            return direct;
        }
        JsonNode? node = Object;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>A required text field; numbers are accepted and written invariantly (ids are often numbers).</summary>
    public string String(string field) =>
        OptionalString(field) ?? throw Fault(field, "is missing");

    /// <summary>An optional text field: null when absent or null.</summary>
    public string? OptionalString(string field)
    {
        var node = Find(field);
        return node switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => throw Fault(field, $"must be a string, got {Describe(node)}"),
        };
    }

    /// <summary>A string or a list of strings (MMAU writes some categories as one-element lists); lists are joined with ", ".</summary>
    public string? StringOrList(string field)
    {
        var node = Find(field);
        if (node is JsonArray array)
        {
            var parts = array.Select((n, i) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Fault($"{field}[{i}]", $"must be a string, got {Describe(n)}")).ToList();
            return parts.Count == 0 ? null : string.Join(", ", parts);
        }
        return OptionalString(field);
    }

    /// <summary>A required list of strings.</summary>
    public IReadOnlyList<string> StringList(string field)
    {
        var node = Find(field);
        if (node is not JsonArray array)
        {
            throw Fault(field, node is null ? "is missing" : $"must be a list of strings, got {Describe(node)}");
        }
        return array.Select((n, i) => n switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            _ => throw Fault($"{field}[{i}]", $"must be a string, got {Describe(n)}"),
        }).ToList();
    }

    /// <summary>An optional integer field.</summary>
    public long? OptionalInteger(string field)
    {
        var node = Find(field);
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l))
            {
                return l;
            }
            if (v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out l))
            {
                return l;
            }
        }
        throw Fault(field, $"must be an integer, got {Describe(node)}");
    }

    /// <summary>An optional object of string values (numbers and booleans are written as text).</summary>
    public IReadOnlyDictionary<string, string>? StringMap(string field)
    {
        var node = Find(field);
        if (node is null)
        {
            return null;
        }
        if (node is not JsonObject o)
        {
            throw Fault(field, $"must be an object of strings, got {Describe(node)}");
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in o)
        {
            map[k] = v switch
            {
                JsonValue jv when jv.TryGetValue<string>(out var s) => s,
                JsonValue jv when jv.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => jv.ToJsonString(),
                _ => throw Fault($"{field}.{k}", $"must be a string, got {Describe(v)}"),
            };
        }
        return map;
    }

    /// <summary>An exception naming this record's place and <paramref name="field"/>.</summary>
    public DatasetFormatException Fault(string field, string problem)
    {
        var id = Object.TryGetPropertyValue("id", out var idNode) && idNode is JsonValue ? $" (id {idNode.ToJsonString()})" : "";
        return new DatasetFormatException(Location + id, $"field '{field}' {problem}");
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "a list",
        JsonObject => "an object",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => $"a string {Truncate(v.ToJsonString())}",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => $"a number {Truncate(v.ToJsonString())}",
        JsonValue v => v.ToJsonString(),
        _ => node.GetType().Name,
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
