using System.Text.Json.Nodes;
using AudioThinker.Abstractions;
using AudioThinker.Data.Evaluation;

namespace AudioThinker.Data.Tests.Evaluation;

/// <summary>Predictions files in each benchmark's format, scored and reported.</summary>
public class ReportTests
{
    private static string WriteFile(string name, string content)
    {
        var path = Path.Combine(Fixture.TempDir("pred"), name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void MmauPredictionsWithAnswerTagsAndMissingOutputs()
    {
        var path = WriteFile("mmau-pred.json", """
            [
              {"id": "1", "audio_id": "a.wav", "question": "q", "choices": ["dog", "hot dog", "cat"], "answer": "dog", "task": "sound", "category": "A", "difficulty": "easy",
               "model_output": "<answer>dog</answer>"},
              {"id": "2", "question": "q", "choices": ["dog", "hot dog", "cat"], "answer": "hot dog", "task": "sound", "category": ["A"], "difficulty": "hard",
               "model_output": "<think>not a cat, not a plain dog</think><answer>hot dog</answer>"},
              {"id": "3", "question": "q", "choices": ["1", "2"], "answer": "2", "task": "music", "category": "B", "difficulty": "hard",
               "model_output": "<think>one then two</think><answer>1</answer>"},
              {"id": "4", "question": "q", "choices": ["1", "2"], "answer": "1", "task": "music", "category": "B", "difficulty": "medium"}
            ]
            """);
        var predictions = PredictionFile.Load(Benchmark.Mmau, path);
        var scored = BenchmarkScorer.Score(Benchmark.Mmau, predictions);
        Assert.Equal([true, true, false, false], scored.Select(s => s.Correct));
        var report = ReportBuilder.Build(Benchmark.Mmau, scored, path);
        Assert.Equal(new GroupScore(2, 4, 0), report.Official.Overall);
        Assert.Equal(1, report.Official.NoPrediction);
        Assert.Equal(new GroupScore(2, 2, 0), report.Official.Groups["task"]["sound"]);
        Assert.Equal(new GroupScore(0, 2, 0), report.Official.Groups["task"]["music"]);
        Assert.Equal(0.5, report.Official.MacroAccuracy);
        Assert.Equal(["easy", "medium", "hard"], report.ByDifficulty.Keys);
        Assert.Equal(new ModeUsage(0, 1, 0), report.ModesByDifficulty["easy"]);
        Assert.Equal(new ModeUsage(2, 0, 0), report.ModesByDifficulty["hard"]);
        Assert.Equal(1.0, report.NoThinkRateByDifficulty["easy"]);
        Assert.Equal(0.0, report.NoThinkRateByDifficulty["hard"]);
        Assert.Equal(new GroupScore(1, 2, 0), report.ByMode["think"]);
        Assert.Equal(1.0, report.MeanWordsByMode["no_think"]);
        Assert.Equal(new GroupScore(2, 2, 0), report.ByCategory["A"]);

        // Scored raw, as the official script reads model_output, the thinking's "dog" and "cat" sink record 2.
        var raw = BenchmarkScorer.Score(Benchmark.Mmau, predictions, new ScoringOptions { ScoreAnswerTag = false });
        Assert.Equal([true, false, false, false], raw.Select(s => s.Correct));
    }

    [Fact]
    public void AirPredictionsLeaveUnreadableResponsesOut()
    {
        var path = WriteFile("Foundation_result_modelx.jsonl", """
            {"path": "1.wav", "question": "q", "choice_a": "dog", "choice_b": "cat", "choice_c": null, "choice_d": null, "answer_gt": "cat", "task_name": "Sound_AQA", "dataset_name": "clotho", "response": "B", "uniq_id": 1}
            {"path": "2.wav", "question": "q", "choice_a": "dog", "choice_b": "cat", "choice_c": "cow", "answer_gt": "cow", "task_name": "Sound_AQA", "dataset_name": "clotho", "response": "I think it is a cow", "uniq_id": 2}
            {"path": "3.wav", "question": "q", "choice_a": "x", "choice_b": "y", "choice_c": "z", "choice_d": "w", "answer_gt": "w", "task_name": "Music_Genre", "dataset_name": "GTZAN", "response": "The answer is A.", "uniq_id": 3}
            {"path": "4.wav", "question": "q", "choice_a": "x", "choice_b": "y", "choice_c": "z", "choice_d": "w", "answer_gt": "w", "task_name": "Music_Genre", "dataset_name": "GTZAN", "response": "<answer>D</answer>", "uniq_id": 4}
            {"path": "5.wav", "question": "q", "choice_a": "x", "choice_b": "y", "answer_gt": "x", "task_name": null, "dataset_name": "GTZAN", "response": "A", "uniq_id": 5}
            """);
        var predictions = PredictionFile.Load(Benchmark.Air, path);
        Assert.Equal(4, predictions.Count); // task_name null is skipped, as the official script does
        var scored = BenchmarkScorer.Score(Benchmark.Air, predictions);
        Assert.Equal([true, null, false, true], scored.Select(s => s.Correct));
        var report = ReportBuilder.Build(Benchmark.Air, scored, path);
        Assert.Equal(new GroupScore(2, 3, 1), report.Official.Overall);
        Assert.Equal(new GroupScore(1, 1, 1), report.Official.Groups["task_dataset"]["Sound_AQA_clotho"]);
        Assert.Equal(new GroupScore(1, 2, 0), report.Official.Groups["task_dataset"]["Music_Genre_GTZAN"]);
        Assert.Equal(0.75, report.Official.MacroAccuracy);
        // Raw scoring reads "<answer>D</answer>" as the official script would: '<' then 'r' → unreadable.
        var raw = BenchmarkScorer.Score(Benchmark.Air, predictions, new ScoringOptions { ScoreAnswerTag = false });
        Assert.Null(raw[3].Correct);
    }

    [Fact]
    public void MmarPredictionsGroupByModalityCategoryAndSubCategory()
    {
        var path = WriteFile("mmar-pred.jsonl", """
            {"id": "1", "audio_path": "a.wav", "question": "q", "choices": ["a man", "a woman"], "answer": "a man", "modality": "speech", "category": "Semantic Layer", "sub-category": "Speaker Analysis", "answer_prediction": "a man"}
            {"id": "2", "audio_path": "b.wav", "question": "q", "choices": ["fast", "slow"], "answer": "slow", "modality": "music", "category": "Perception Layer", "sub-category": "Temporal Analysis", "answer_prediction": "fast"}
            """);
        var report = ReportBuilder.Build(Benchmark.Mmar, BenchmarkScorer.Score(Benchmark.Mmar, PredictionFile.Load(Benchmark.Mmar, path)), path);
        Assert.Equal(["modality", "category", "sub-category"], report.Official.Groups.Keys);
        Assert.Equal(new GroupScore(1, 1, 0), report.Official.Groups["modality"]["speech"]);
        Assert.Equal(new GroupScore(0, 1, 0), report.Official.Groups["sub-category"]["Temporal Analysis"]);
        Assert.Equal(["unknown"], report.ByDifficulty.Keys);
        Assert.Equal(new ModeUsage(0, 0, 2), report.Modes);
    }

    [Fact]
    public void ReportIsWrittenAsJsonMarkdownAndPng()
    {
        var questions = Enumerable.Range(0, 12).Select(i => new AudioQuestion($"q{i}", null, "q", ["high", "low"], i % 2 == 0 ? "high" : "low")
        {
            Difficulty = (Difficulty)(1 + i % 3),
            Task = "beeps",
            Category = i < 6 ? "pitch" : "count",
        }).ToList();
        var predictions = questions.Select((q, i) => new Prediction(q, i % 3 == 0 ? $"<answer>{q.Answer}</answer>" : $"<think>first beep: {q.Answer}.</think><answer>{(i % 4 == 0 ? "low" : q.Answer)}</answer>")).ToList();
        var report = ReportBuilder.Build(Benchmark.Native, BenchmarkScorer.Score(Benchmark.Native, predictions), "memory");
        var dir = Fixture.TempDir("report");
        var files = ReportWriter.WriteAll(report, dir);
        Assert.Equal(["report.json", "report.md", "accuracy_by_difficulty.png", "no_think_rate_by_difficulty.png", "accuracy_by_category.png", "response_length_by_mode.png"], files.Select(Path.GetFileName));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "report.json")))!;
        Assert.Equal("native", json["benchmark"]!.GetValue<string>());
        Assert.Equal(report.Official.Overall.Correct, json["official"]!["overall"]!["correct"]!.GetValue<int>());
        Assert.Equal(1.0, json["no_think_rate_by_difficulty"]!["easy"]!.GetValue<double>());
        Assert.NotNull(json["by_difficulty"]!["hard"]!["accuracy"]);
        var md = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("| easy | 0 | 4 | 0 | 100.00% |", md);
        Assert.Contains("## Accuracy by category", md);
        foreach (var png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 2000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
    }
}
