using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioThinker.Policies.Configuration;

/// <summary>Typed reads of config.json fields whose errors name the file and the field.</summary>
internal static class JsonFields
{
    public static JsonObject ReadObject(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read: {e.Message}", e);
        }
        try
        {
            return JsonNode.Parse(text)?.AsObject() ?? throw new InvalidDataException($"{path}: empty JSON document");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a JSON object: {e.Message}", e);
        }
    }

    public static int Int(JsonObject node, string field, int fallback, string source) =>
        Get(node, field, source, n => n.GetValue<int>()) ?? fallback;

    public static int? NullableInt(JsonObject node, string field, string source) =>
        Get(node, field, source, n => n.GetValue<int>());

    public static double Double(JsonObject node, string field, double fallback, string source) =>
        Get(node, field, source, n => n.GetValue<double>()) ?? fallback;

    public static bool Bool(JsonObject node, string field, bool fallback, string source) =>
        Get(node, field, source, n => n.GetValue<bool>()) ?? fallback;

    public static string? String(JsonObject node, string field, string source) =>
        node[field] is null ? null : Get(node, field, source, n => n.GetValue<string>());

    public static JsonObject? Object(JsonObject node, string field, string source)
    {
        var child = node[field];
        if (child is null)
        {
            return null;
        }
        return child as JsonObject ?? throw new InvalidDataException($"{source}: field '{field}' must be an object, got {child.ToJsonString()}");
    }

    /// <summary>An id field that Hugging Face allows as a number or a list of numbers (e.g. <c>eos_token_id</c>).</summary>
    public static int[] IntList(JsonObject node, string field, string source)
    {
        var child = node[field];
        switch (child)
        {
            case null:
                return [];
            case JsonArray array:
                return array.Select((item, i) => item is JsonValue v && v.TryGetValue<int>(out var x)
                    ? x
                    : throw new InvalidDataException($"{source}: field '{field}[{i}]' must be an integer, got {item?.ToJsonString() ?? "null"}")).ToArray();
            default:
                return [Int(node, field, 0, source)];
        }
    }

    private static T? Get<T>(JsonObject node, string field, string source, Func<JsonValue, T> read) where T : struct
    {
        var child = node[field];
        if (child is null)
        {
            return null;
        }
        try
        {
            return read(child.AsValue());
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: field '{field}' has the wrong type: {child.ToJsonString()} ({e.Message})", e);
        }
    }

    private static string? Get(JsonObject node, string field, string source, Func<JsonValue, string> read)
    {
        var child = node[field];
        try
        {
            return child is null ? null : read(child.AsValue());
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: field '{field}' must be a string, got {child!.ToJsonString()}", e);
        }
    }
}
