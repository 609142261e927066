using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Abstractions;

namespace AudioThinker.Data.Datasets;

/// <summary>
/// AudioThinker's native dataset format: one JSON object per line with the fields of <see cref="AudioQuestion"/>:
/// <c>id</c>, <c>audio</c> (a path relative to the JSONL file), <c>question</c>, <c>choices</c>, <c>answer</c>,
/// and optionally <c>task</c>, <c>category</c>, <c>sub_category</c>, <c>difficulty</c> (easy|medium|hard),
/// <c>facts</c> (an object of strings) and <c>reference_reasoning</c>. Reading resolves audio paths to absolute ones.
/// </summary>
public static class AudioQuestionJsonl
{
    private static readonly JsonSerializerOptions LineOptions = new()
    {
        // Keep the text readable (no \u escapes for quotes or non-ASCII); one object per line.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>Reads a native JSONL file.</summary>
    /// <exception cref="DatasetFormatException">A line is not JSON or misses a required field; the message gives file, line and field.</exception>
    public static IReadOnlyList<AudioQuestion> Read(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var questions = new List<AudioQuestion>();
        foreach (var r in JsonRecord.ReadAll(path))
        {
            var q = Parse(r, dir);
            if (!seen.Add(q.Id))
            {
                throw r.Fault("id", $"repeats id '{q.Id}'");
            }
            questions.Add(q);
        }
        return questions;
    }

    /// <summary>Parses one native record; a relative <c>audio</c> path is taken from <paramref name="baseDirectory"/>.</summary>
    public static AudioQuestion Parse(JsonRecord r, string baseDirectory)
    {
        var audio = r.OptionalString("audio");
        var choices = r.Has("choices") ? r.StringList("choices") : [];
        var answer = r.String("answer");
        if (choices.Count > 0 && !choices.Contains(answer))
        {
            throw r.Fault("answer", $"'{answer}' is not one of the choices [{string.Join(", ", choices)}]");
        }
        return new AudioQuestion(
            r.String("id"),
            string.IsNullOrWhiteSpace(audio) ? null : new AudioReference(Path.GetFullPath(Path.Combine(baseDirectory, audio))),
            r.String("question"),
            choices,
            answer)
        {
            Task = r.OptionalString("task"),
            Category = r.StringOrList("category"),
            SubCategory = r.OptionalString("sub_category"),
            Difficulty = DifficultyNames.Read(r, "difficulty"),
            Facts = r.StringMap("facts") ?? new Dictionary<string, string>(),
            ReferenceReasoning = r.OptionalString("reference_reasoning"),
        };
    }

    /// <summary>The JSON object of one question; file audio is written relative to <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="ArgumentException">The question carries in-memory samples, which this format cannot hold.</exception>
    public static JsonObject ToJson(AudioQuestion q, string baseDirectory)
    {
        var o = new JsonObject { ["id"] = q.Id };
        if (q.Audio is { } audio)
        {
            if (audio.Path is null)
            {
                throw new ArgumentException($"question '{q.Id}' carries in-memory samples; write them to a file first", nameof(q));
            }
            var relative = Path.IsPathRooted(audio.Path) ? Path.GetRelativePath(baseDirectory, audio.Path) : audio.Path;
            o["audio"] = relative.Replace('\\', '/');
        }
        o["question"] = q.Question;
        o["choices"] = new JsonArray(q.Choices.Select(c => (JsonNode?)c).ToArray());
        o["answer"] = q.Answer;
        if (q.Task is not null)
        {
            o["task"] = q.Task;
        }
        if (q.Category is not null)
        {
            o["category"] = q.Category;
        }
        if (q.SubCategory is not null)
        {
            o["sub_category"] = q.SubCategory;
        }
        if (q.Difficulty != Difficulty.Unknown)
        {
            o["difficulty"] = DifficultyNames.Name(q.Difficulty);
        }
        if (q.Facts.Count > 0)
        {
            var facts = new JsonObject();
            foreach (var (k, v) in q.Facts)
            {
                facts[k] = v;
            }
            o["facts"] = facts;
        }
        if (q.ReferenceReasoning is not null)
        {
            o["reference_reasoning"] = q.ReferenceReasoning;
        }
        return o;
    }

    /// <summary>Writes questions to a native JSONL file ("\n" line ends, UTF-8 without BOM: the same questions give the same bytes).</summary>
    public static void Write(string path, IEnumerable<AudioQuestion> questions)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var builder = new StringBuilder();
        foreach (var q in questions)
        {
            builder.Append(ToJson(q, dir).ToJsonString(LineOptions)).Append('\n');
        }
        File.WriteAllText(full, builder.ToString(), new UTF8Encoding(false));
    }
}
