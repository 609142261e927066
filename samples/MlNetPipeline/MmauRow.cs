using AudioThinker.Abstractions;
using AudioThinker.Data.Datasets;

namespace MlNetPipeline;

/// <summary>One MMAU record as an ML.NET row: the column names are the ones <c>GrpoEstimatorOptions</c> expects by default.</summary>
public sealed class MmauRow
{
    /// <summary>The record's id.</summary>
    public string Id { get; set; } = "";

    /// <summary>The audio file, absolute.</summary>
    public string AudioPath { get; set; } = "";

    /// <summary>The question.</summary>
    public string Question { get; set; } = "";

    /// <summary>The options (a variable-length text vector).</summary>
    public string[] Choices { get; set; } = [];

    /// <summary>The right option's text.</summary>
    public string Answer { get; set; } = "";

    /// <summary>easy, medium or hard (empty when unlabelled).</summary>
    public string Difficulty { get; set; } = "";

    /// <summary>sound, music or speech.</summary>
    public string Task { get; set; } = "";

    /// <summary>Reads an MMAU-format file (mmau-test-mini.json) with the project's loader, which checks every record.</summary>
    public static List<MmauRow> Load(string path) => MmauLoader.Load(path).Select(From).ToList();

    private static MmauRow From(AudioQuestion q) => new()
    {
        Id = q.Id,
        AudioPath = q.Audio?.Path ?? "",
        Question = q.Question,
        Choices = [.. q.Choices],
        Answer = q.Answer,
        Difficulty = q.Difficulty == AudioThinker.Abstractions.Difficulty.Unknown ? "" : DifficultyNames.Name(q.Difficulty),
        Task = q.Task ?? "",
    };
}
