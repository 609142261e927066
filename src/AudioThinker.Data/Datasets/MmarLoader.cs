using AudioThinker.Abstractions;

namespace AudioThinker.Data.Datasets;

/// <summary>
/// MMAR (<c>MMAR-meta.jsonl</c>): one JSON object per line with <c>id</c>, <c>audio_path</c> (relative to the file),
/// <c>question</c>, <c>choices</c>, <c>answer</c>, <c>modality</c> (kept as <see cref="AudioQuestion.Task"/>),
/// <c>category</c>, <c>sub-category</c> and further fields (language, source, url, timestamp, thinking, cue, rubric)
/// that scoring does not use. MMAR has no difficulty labels.
/// </summary>
public static class MmarLoader
{
    /// <summary>Reads the file (a JSON array of the same records is accepted too).</summary>
    /// <exception cref="DatasetFormatException">A line is not JSON or misses a field.</exception>
    public static IReadOnlyList<AudioQuestion> Load(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return JsonRecord.ReadAll(path).Select(r => Parse(r, dir)).ToList();
    }

    /// <summary>Parses one MMAR record; <paramref name="requireAudio"/> false lets a record without audio through (predictions files).</summary>
    public static AudioQuestion Parse(JsonRecord r, string baseDirectory, bool requireAudio = true)
    {
        var audio = requireAudio ? r.String("audio_path") : r.OptionalString("audio_path");
        return new AudioQuestion(r.String("id"), audio is null ? null : new AudioReference(Path.GetFullPath(Path.Combine(baseDirectory, audio))), r.String("question"), r.StringList("choices"), r.String("answer"))
        {
            Task = r.OptionalString("modality"),
            Category = r.StringOrList("category"),
            SubCategory = r.StringOrList("sub-category"),
        };
    }
}
