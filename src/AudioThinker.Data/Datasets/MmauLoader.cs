using AudioThinker.Abstractions;

namespace AudioThinker.Data.Datasets;

/// <summary>
/// MMAU (<c>mmau-test-mini.json</c>): a JSON array of records with <c>id</c>, <c>audio_id</c> (a path relative to the
/// file, e.g. <c>./test-mini-audios/….wav</c>), <c>question</c>, <c>choices</c>, <c>answer</c>, <c>task</c>
/// (sound|music|speech), <c>category</c> (a string, or in some records a one-element list), <c>sub-category</c> and
/// <c>difficulty</c> (easy|medium|hard).
/// </summary>
public static class MmauLoader
{
    /// <summary>Reads the file.</summary>
    /// <exception cref="DatasetFormatException">A record misses a field or has the wrong type; the message names the record and field.</exception>
    public static IReadOnlyList<AudioQuestion> Load(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return JsonRecord.ReadAll(path).Select(r => Parse(r, dir)).ToList();
    }

    /// <summary>Parses one MMAU record; audio paths are taken from <paramref name="baseDirectory"/>; <paramref name="requireAudio"/> false lets a record without audio through (predictions files).</summary>
    public static AudioQuestion Parse(JsonRecord r, string baseDirectory, bool requireAudio = true)
    {
        var audio = requireAudio ? r.String("audio_id") : r.OptionalString("audio_id");
        return new AudioQuestion(r.String("id"), audio is null ? null : new AudioReference(Path.GetFullPath(Path.Combine(baseDirectory, audio))), r.String("question"), r.StringList("choices"), r.String("answer"))
        {
            Task = r.OptionalString("task"),
            Category = r.StringOrList("category"),
            SubCategory = r.StringOrList("sub-category"),
            Difficulty = DifficultyNames.Read(r, "difficulty"),
        };
    }
}
