using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Data.Datasets;
using AudioThinker.Data.Synthetic;

namespace MlNetPipeline;

/// <summary>Writes the synthetic audio QA set in MMAU's file format, so the sample runs without downloading MMAU.</summary>
public static class SyntheticMmau
{
    /// <summary>Writes <c>audio/*.wav</c> and <c>mmau-synthetic.json</c> (MMAU's keys) into <paramref name="directory"/>; returns the JSON file.</summary>
    public static string Write(string directory, int perLevel, long seed)
    {
        var dataset = new SyntheticGenerator(new SyntheticOptions
        {
            Seed = seed,
            ClipSeconds = 2,
            Counts = new LevelCounts { Easy = perLevel, Medium = perLevel, Hard = perLevel },
        }).Write(directory);
        var records = new JsonArray();
        foreach (var q in dataset.Questions)
        {
            records.Add(new JsonObject
            {
                ["id"] = q.Id,
                // MMAU writes audio paths relative to the JSON file: ./test-mini-audios/<id>.wav
                ["audio_id"] = "./" + Path.GetRelativePath(dataset.Directory, q.Audio!.Path!).Replace('\\', '/'),
                ["question"] = q.Question,
                ["choices"] = new JsonArray([.. q.Choices.Select(c => (JsonNode?)c)]),
                ["answer"] = q.Answer,
                ["dataset"] = "synthetic-beeps",
                ["task"] = "sound",
                ["split"] = "test-mini",
                ["category"] = q.Category ?? "",
                ["sub-category"] = q.SubCategory ?? "",
                ["difficulty"] = DifficultyNames.Name(q.Difficulty),
            });
        }
        var path = Path.Combine(dataset.Directory, "mmau-synthetic.json");
        File.WriteAllText(path, records.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
