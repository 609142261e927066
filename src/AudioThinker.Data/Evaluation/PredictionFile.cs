using AudioThinker.Data.Datasets;

namespace AudioThinker.Data.Evaluation;

/// <summary>
/// Reads a predictions file in a benchmark's own format: the benchmark's records (JSON array or JSONL) each with the
/// model's response added — MMAU <c>model_output</c> (the newer official key <c>model_prediction</c> is accepted too),
/// MMAR <c>answer_prediction</c>, AIR-Bench and native <c>response</c>. Audio fields are not needed.
/// </summary>
public static class PredictionFile
{
    /// <summary>Reads the file; records of AIR-Bench without <c>task_name</c> are skipped, as the official scorer does.</summary>
    /// <exception cref="DatasetFormatException">A record misses a field the scoring needs.</exception>
    public static IReadOnlyList<Prediction> Load(Benchmark benchmark, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var predictions = new List<Prediction>();
        foreach (var r in JsonRecord.ReadAll(path))
        {
            var question = benchmark switch
            {
                Benchmark.Mmau => MmauLoader.Parse(r, dir, requireAudio: false),
                Benchmark.Mmar => MmarLoader.Parse(r, dir, requireAudio: false),
                Benchmark.Air => AirBenchLoader.Parse(r, dir, requireTask: false),
                _ => AudioQuestionJsonl.Parse(r, dir),
            };
            if (benchmark == Benchmark.Air && question.Task is null)
            {
                continue;
            }
            var field = BenchmarkNames.ResponseField(benchmark);
            var response = r.OptionalString(field);
            if (response is null && benchmark == Benchmark.Mmau)
            {
                response = r.OptionalString("model_prediction");
            }
            if (response is null && benchmark == Benchmark.Native)
            {
                response = r.OptionalString("model_output");
            }
            predictions.Add(new Prediction(question, response));
        }
        // Missing responses count as wrong (as the official scripts do), but a file without any is the wrong format.
        if (predictions.Count > 0 && predictions.All(p => p.Response is null))
        {
            throw new DatasetFormatException(path, $"none of its {predictions.Count} records has a '{BenchmarkNames.ResponseField(benchmark)}' field; is it a {BenchmarkNames.Name(benchmark)} predictions file?");
        }
        return predictions;
    }
}
