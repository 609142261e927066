using System.Globalization;
using System.Text.RegularExpressions;
using AudioThinker.Abstractions;

namespace AudioThinker.Data.Datasets;

/// <summary>Reads a JSONL (or JSON array) dataset whose field names are given by a <see cref="JsonlFieldMap"/>.</summary>
public static class MappedJsonlLoader
{
    /// <summary>Reads the file.</summary>
    /// <exception cref="DatasetFormatException">A record misses a mapped field, or its answer does not name a choice.</exception>
    public static IReadOnlyList<AudioQuestion> Load(string path, JsonlFieldMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var fileDir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var audioDir = map.AudioDirectory is null ? fileDir : Path.GetFullPath(Path.Combine(fileDir, map.AudioDirectory));
        var replacements = map.QuestionReplacements
            .Select(kv => (Pattern: new Regex($@"\b{Regex.Escape(kv.Key)}\b", RegexOptions.CultureInvariant), kv.Value))
            .ToList();
        var records = JsonRecord.ReadAll(path);
        var questions = new List<AudioQuestion>(records.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < records.Count; index++)
        {
            var r = records[index];
            var id = map.Id is null ? $"line-{index + 1}" : r.String(map.Id);
            if (!seen.Add(id))
            {
                throw r.Fault(map.Id ?? "id", $"repeats id '{id}'");
            }
            var choices = r.StringList(map.Choices);
            var answer = ResolveAnswer(r, map, choices);
            var question = r.String(map.Question);
            foreach (var (pattern, value) in replacements)
            {
                question = pattern.Replace(question, value);
            }
            var audioValue = r.String(map.Audio);
            string audioPath;
            try
            {
                audioPath = string.Format(CultureInfo.InvariantCulture, map.AudioPathFormat, audioValue);
            }
            catch (FormatException e)
            {
                throw new DatasetFormatException(path, $"AudioPathFormat '{map.AudioPathFormat}' is not a valid format string with {{0}}: {e.Message}", e);
            }
            questions.Add(new AudioQuestion(id, new AudioReference(Path.GetFullPath(Path.Combine(audioDir, audioPath))), question, choices, answer)
            {
                Task = map.Task is null ? null : r.StringOrList(map.Task),
                Category = map.Category is null ? null : r.StringOrList(map.Category),
                SubCategory = map.SubCategory is null ? null : r.StringOrList(map.SubCategory),
                Difficulty = map.Difficulty is null ? Difficulty.Unknown : DifficultyNames.Read(r, map.Difficulty),
                Facts = (map.Facts is null ? null : r.StringMap(map.Facts)) ?? new Dictionary<string, string>(),
                ReferenceReasoning = map.ReferenceReasoning is null ? null : r.OptionalString(map.ReferenceReasoning),
            });
        }
        return questions;
    }

    private static string ResolveAnswer(JsonRecord r, JsonlFieldMap map, IReadOnlyList<string> choices)
    {
        var raw = r.String(map.Answer);
        switch (map.AnswerForm)
        {
            case AnswerForm.Index:
                if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index)
                    || index - map.AnswerIndexBase < 0 || index - map.AnswerIndexBase >= choices.Count)
                {
                    throw r.Fault(map.Answer, $"'{raw}' is not a choice index from {map.AnswerIndexBase} to {map.AnswerIndexBase + choices.Count - 1}");
                }
                return choices[index - map.AnswerIndexBase];
            case AnswerForm.Letter:
                var letter = raw.Trim().TrimStart('(').TrimEnd(')', '.').ToUpperInvariant();
                if (letter.Length != 1 || letter[0] < 'A' || letter[0] - 'A' >= choices.Count)
                {
                    throw r.Fault(map.Answer, $"'{raw}' is not a choice letter from A to {(char)('A' + choices.Count - 1)}");
                }
                return choices[letter[0] - 'A'];
            default:
                if (!choices.Contains(raw))
                {
                    throw r.Fault(map.Answer, $"'{raw}' is not one of the choices [{string.Join(", ", choices)}]");
                }
                return raw;
        }
    }
}
