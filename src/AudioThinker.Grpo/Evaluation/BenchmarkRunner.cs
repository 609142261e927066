using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Abstractions;
using AudioThinker.Data.Datasets;
using AudioThinker.Data.Evaluation;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Prompts;

namespace AudioThinker.Grpo.Evaluation;

/// <summary>
/// Runs a policy on a benchmark file and writes its predictions in the benchmark's own format — the original records
/// with the response added under the field the official script reads (MMAU <c>model_output</c>, MMAR
/// <c>answer_prediction</c>, AIR-Bench and native <c>response</c>) — so that the official scoring can read them.
/// </summary>
public static class BenchmarkRunner
{
    /// <summary>The questions of a benchmark file, in file order.</summary>
    public static IReadOnlyList<AudioQuestion> Load(Benchmark benchmark, string path) => benchmark switch
    {
        Benchmark.Mmau => MmauLoader.Load(path),
        Benchmark.Mmar => MmarLoader.Load(path),
        Benchmark.Air => AirBenchLoader.Load(path),
        _ => AudioQuestionJsonl.Read(path),
    };

    /// <summary>Answers every question (greedy) and writes the predictions file; returns its path.</summary>
    public static string Run(PolicySession policy, Benchmark benchmark, string dataPath, PromptTemplate template, string outputPath, int maxNewTokens = 256,
        int batchSize = 16, Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        var questions = Load(benchmark, dataPath);
        var records = ReadRecords(dataPath);
        if (records.Count != questions.Count)
        {
            throw new InvalidDataException($"{dataPath}: {records.Count} records but {questions.Count} questions were loaded; cannot pair predictions with records");
        }
        var field = BenchmarkNames.ResponseField(benchmark);
        var done = 0;
        foreach (var (chunk, completions) in policy.AnswerGreedily(questions, template, maxNewTokens, batchSize, cancellationToken))
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                records[done + i][field] = completions[i].Text;
            }
            done += chunk.Count;
            progress?.Invoke(done, questions.Count);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        var jsonl = dataPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        var options = new JsonSerializerOptions { WriteIndented = !jsonl };
        var text = jsonl ? string.Join('\n', records.Select(r => r.ToJsonString())) + "\n" : new JsonArray([.. records]).ToJsonString(options);
        File.WriteAllText(outputPath, text);
        return outputPath;
    }

    private static List<JsonObject> ReadRecords(string path)
    {
        var text = File.ReadAllText(path);
        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return text.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        }
        return JsonNode.Parse(text)!.AsArray().Select(n => n!.DeepClone().AsObject()).ToList();
    }
}
