using AudioThinker.Abstractions;

namespace AudioThinker.Data.Datasets;

/// <summary>
/// AIR-Bench foundation (<c>Foundation_meta.json</c>): a JSON array of records with <c>path</c>, <c>question</c>,
/// <c>choice_a</c>, <c>choice_b</c> and optional <c>choice_c</c>, <c>choice_d</c> (missing or null), <c>answer_gt</c>
/// (the text of the right choice), <c>task_name</c>, <c>dataset_name</c> and <c>uniq_id</c>. Audio lives at
/// <c>{task_name}_{dataset_name}/{path}</c> beside the file, except that for <c>Audio_Grounding</c> the path's last
/// three characters are replaced by <c>flac</c> (the official inference script's rule). The official scorer groups by
/// <c>{task_name}_{dataset_name}</c>, kept here as <see cref="AudioQuestion.Category"/>; the task name is the
/// <see cref="AudioQuestion.Task"/> and the dataset name the <see cref="AudioQuestion.SubCategory"/>.
/// </summary>
public static class AirBenchLoader
{
    /// <summary>The choice fields in letter order.</summary>
    public static readonly IReadOnlyList<string> ChoiceFields = ["choice_a", "choice_b", "choice_c", "choice_d"];

    /// <summary>Reads the file.</summary>
    /// <exception cref="DatasetFormatException">A record misses a field, or its answer is none of its choices.</exception>
    public static IReadOnlyList<AudioQuestion> Load(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return JsonRecord.ReadAll(path).Select(r => Parse(r, dir)).ToList();
    }

    /// <summary>The audio file of a record, relative to the folder of the meta file.</summary>
    public static string AudioPath(string taskName, string datasetName, string path)
    {
        var relative = $"{taskName}_{datasetName}/{path}";
        return taskName == "Audio_Grounding" && relative.Length >= 3 ? relative[..^3] + "flac" : relative;
    }

    /// <summary>Parses one record; <paramref name="requireTask"/> false lets a record without task_name through (the official scorer skips those).</summary>
    public static AudioQuestion Parse(JsonRecord r, string baseDirectory, bool requireTask = true)
    {
        var task = requireTask ? r.String("task_name") : r.OptionalString("task_name");
        var dataset = r.OptionalString("dataset_name") ?? "";
        // Letters are positional (A–D), so a gap (choice_c missing, choice_d present) would shift D to C: refuse it.
        var choices = new List<string>();
        var gap = false;
        foreach (var field in ChoiceFields)
        {
            var choice = r.OptionalString(field);
            if (choice is null)
            {
                gap = true;
            }
            else if (gap)
            {
                throw r.Fault(field, "is present although an earlier choice is missing; the letters would shift");
            }
            else
            {
                choices.Add(choice);
            }
        }
        if (choices.Count < 2)
        {
            throw r.Fault(choices.Count == 0 ? "choice_a" : "choice_b", "is missing (at least two choices are needed)");
        }
        var answer = r.String("answer_gt");
        if (!choices.Contains(answer))
        {
            throw r.Fault("answer_gt", $"'{answer}' is none of the choices [{string.Join(", ", choices)}]");
        }
        var id = r.OptionalString("uniq_id") ?? r.String("path");
        var audio = task is null ? null : new AudioReference(Path.GetFullPath(Path.Combine(baseDirectory, AudioPath(task, dataset, r.String("path")))));
        return new AudioQuestion(id, audio, r.String("question"), choices, answer)
        {
            Task = task,
            Category = task is null ? null : $"{task}_{dataset}",
            SubCategory = dataset,
        };
    }
}
