using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Scoring;

/// <summary>One line of a rollouts file, with the rollout it describes.</summary>
/// <param name="LineNumber">1-based line number in the file.</param>
/// <param name="Json">The line as read; output adds fields to a copy.</param>
/// <param name="GroupIndex">Which group of the batch it belongs to.</param>
/// <param name="RolloutIndex">Its position in that group.</param>
public sealed record RolloutLine(int LineNumber, JsonObject Json, int GroupIndex, int RolloutIndex);

/// <summary>A rollouts file read as one batch.</summary>
/// <param name="Lines">Every non-blank line, in file order.</param>
/// <param name="Batch">The groups, in order of first appearance, each with its rollouts in file order.</param>
public sealed record RolloutBatchFile(IReadOnlyList<RolloutLine> Lines, IReadOnlyList<RolloutGroup> Batch);

/// <summary>
/// Reads the rollouts JSONL of <c>audiothinker score</c>: one object per line with <c>group</c>, <c>question</c>,
/// <c>choices</c> (optional), <c>answer</c>, <c>completion</c>, <c>difficulty</c> (optional: easy, medium, hard), <c>facts</c>
/// (optional object) and <c>truncated</c> (optional). Lines of one group must agree on the question's fields. Blank lines
/// are skipped; any other bad line raises <see cref="InvalidDataException"/> naming the file and line.
/// </summary>
public static class RolloutJsonl
{
    /// <summary>Reads a whole file as one batch.</summary>
    public static RolloutBatchFile Read(TextReader reader, string source, IResponseParser parser)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(parser);
        var lines = new List<RolloutLine>();
        var groups = new List<(string Id, AudioQuestion Question, int FirstLine, List<Rollout> Rollouts)>();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        int number = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            var at = $"{source} line {number}";
            JsonObject json;
            try
            {
                json = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"{at}: expected a JSON object");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{at}: not valid JSON ({e.Message})", e);
            }

            var group = Scalar(json, "group", at, required: true)!;
            var question = ReadQuestion(json, group, at);
            var completion = String(json, "completion", at, required: true)!;
            bool truncated = json["truncated"] switch
            {
                null => false,
                JsonValue v when v.TryGetValue(out bool b) => b,
                _ => throw new InvalidDataException($"{at}: 'truncated' must be true or false"),
            };
            var rollout = new Rollout(completion, [], truncated, parser.Parse(completion));

            if (!byId.TryGetValue(group, out int g))
            {
                g = groups.Count;
                byId[group] = g;
                groups.Add((group, question, number, []));
            }
            else
            {
                var first = groups[g];
                var differs = Differs(first.Question, question);
                if (differs is not null)
                {
                    throw new InvalidDataException($"{at}: group '{group}' has a different '{differs}' than on line {first.FirstLine}");
                }
            }
            groups[g].Rollouts.Add(rollout);
            lines.Add(new RolloutLine(number, json, g, groups[g].Rollouts.Count - 1));
        }
        if (lines.Count == 0)
        {
            throw new InvalidDataException($"{source}: no rollout lines");
        }
        var batch = groups.Select(x => new RolloutGroup(x.Question, x.Rollouts.ToArray())).ToArray();
        return new RolloutBatchFile(lines, batch);
    }

    private static AudioQuestion ReadQuestion(JsonObject json, string group, string at)
    {
        var question = String(json, "question", at, required: true)!;
        var answer = String(json, "answer", at, required: true)!;
        var choices = json["choices"] switch
        {
            null => [],
            JsonArray a => a.Select((c, i) => c is JsonValue v && v.TryGetValue(out string? s) && s is not null
                ? s
                : throw new InvalidDataException($"{at}: 'choices'[{i}] must be a string")).ToArray(),
            _ => throw new InvalidDataException($"{at}: 'choices' must be an array of strings"),
        };
        var difficulty = String(json, "difficulty", at, required: false) switch
        {
            null or "" => Difficulty.Unknown,
            var d when Enum.TryParse<Difficulty>(d, ignoreCase: true, out var parsed) && parsed != Difficulty.Unknown && !int.TryParse(d, out _) => parsed,
            var d => throw new InvalidDataException($"{at}: 'difficulty' must be easy, medium or hard (got '{d}')"),
        };
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (json["facts"])
        {
            case null:
                break;
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    facts[name] = value is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                        ? (v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString())
                        : throw new InvalidDataException($"{at}: 'facts'.'{name}' must be a string, number or boolean");
                }
                break;
            default:
                throw new InvalidDataException($"{at}: 'facts' must be an object of name → value");
        }
        return new AudioQuestion(group, null, question, choices, answer) { Difficulty = difficulty, Facts = facts };
    }

    private static string? Differs(AudioQuestion a, AudioQuestion b)
    {
        if (a.Question != b.Question)
        {
            return "question";
        }
        if (a.Answer != b.Answer)
        {
            return "answer";
        }
        if (!a.Choices.SequenceEqual(b.Choices))
        {
            return "choices";
        }
        if (a.Difficulty != b.Difficulty)
        {
            return "difficulty";
        }
        if (a.Facts.Count != b.Facts.Count || a.Facts.Any(kv => !b.Facts.TryGetValue(kv.Key, out var v) || v != kv.Value))
        {
            return "facts";
        }
        return null;
    }

    private static string? String(JsonObject json, string key, string at, bool required) => json[key] switch
    {
        null when required => throw new InvalidDataException($"{at}: '{key}' is missing"),
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw new InvalidDataException($"{at}: '{key}' must be a string"),
    };

    // A group id may be a string or a number.
    private static string? Scalar(JsonObject json, string key, string at, bool required) => json[key] switch
    {
        null when required => throw new InvalidDataException($"{at}: '{key}' is missing"),
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => throw new InvalidDataException($"{at}: '{key}' must be a string or a number"),
    };

    internal static string ModeName(ResponseMode mode) => mode switch
    {
        ResponseMode.Think => "think",
        ResponseMode.NoThink => "no-think",
        _ => "invalid",
    };
}
