// samples/MlNetPipeline: Audio-Thinker as an ML.NET pipeline over an MMAU-format file.
//   dotnet run --project samples/MlNetPipeline [-- path/to/mmau-test-mini.json]
// Without a file it writes the synthetic audio QA set in MMAU's format first. Steps are tiny, so it runs in seconds; the
// accuracy printed is that of a barely trained tiny model, not a result.
using AudioThinker.Data.Evaluation;
using AudioThinker.Grpo.MlNet;
using AudioThinker.Grpo.Options;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetPipeline;

var work = Path.GetFullPath(Path.Combine("runs", "samples", "mlnet-pipeline"));
Directory.CreateDirectory(work);
var mmauFile = args.Length > 0 ? args[0] : SyntheticMmau.Write(Path.Combine(work, "data"), perLevel: 6, seed: 11);

// 1. Load: the MMAU file into an IDataView, split into train and test.
var ml = new MLContext(seed: 1);
var rows = MmauRow.Load(mmauFile);
IDataView all = ml.Data.LoadFromEnumerable(rows);
var split = ml.Data.TrainTestSplit(all, testFraction: 0.25, seed: 1);
Console.WriteLine($"loaded {rows.Count} MMAU records from {mmauFile}");

// 2. Fit: supervised warm-up, then GRPO with the paper's rewards (tiny settings).
var options = new GrpoEstimatorOptions
{
    Experiment = new ExperimentOptions
    {
        Model = new ModelOptions { Preset = "tiny" },
        Sft = new SftOptions { Steps = 6, BatchSize = 4 },
        Grpo = new GrpoOptions { Steps = 2, QuestionsPerStep = 2, GroupSize = 4, MaxCompletionTokens = 24, LearningRate = 2e-4 },
        Output = new OutputOptions { Dir = Path.Combine(work, "run"), CheckpointEvery = 1000, SampleEvery = 0 },
    },
    MaxNewTokens = 24,
};
var pipeline = ml.AudioThinker().Grpo(options);
var model = pipeline.Fit(split.TrainSet);

// 3. Transform and 4. evaluate with MMAU's official string match.
var predicted = model.Transform(split.TestSet);
var report = Evaluate(predicted);
Console.WriteLine($"test: {report.Count} questions, accuracy {report.Accuracy:P1}, think rate {report.ThinkRate:P1}");
foreach (var (level, accuracy, thinkRate) in report.Levels)
{
    Console.WriteLine($"  {level,-6} accuracy {accuracy:P1}, think rate {thinkRate:P1}");
}

// 5. Save and reload: the model zip holds the ML.NET pipeline and the policy's weights and tokenizer.
var zip = Path.Combine(work, "audio-thinker.zip");
ml.AudioThinker().Save(model, split.TrainSet.Schema, zip);
var reloaded = new MLContext(seed: 1).AudioThinker().Load(zip, out _);
var before = predicted.GetColumn<string>("Response").ToList();
var after = reloaded.Transform(split.TestSet).GetColumn<string>("Response").ToList();
Console.WriteLine($"saved {zip} ({new FileInfo(zip).Length / 1024} KiB); reloaded model answers {(before.SequenceEqual(after) ? "identically" : "DIFFERENTLY")}");
return before.SequenceEqual(after) ? 0 : 1;

static Report Evaluate(IDataView predicted)
{
    var answers = predicted.GetColumn<string>("Answer").ToList();
    var choices = predicted.GetColumn<string[]>("Choices").ToList();
    var predictions = predicted.GetColumn<string>("PredictedAnswer").ToList();
    var thinking = predicted.GetColumn<bool>("Thinking").ToList();
    var levels = predicted.GetColumn<string>("Difficulty").ToList();
    var correct = answers.Select((a, i) => StringMatch.IsMatch(a, predictions[i], choices[i])).ToList();
    string[] order = ["easy", "medium", "hard", ""];
    var perLevel = levels.Distinct().OrderBy(l => Array.IndexOf(order, l)).Select(level =>
    {
        var idx = Enumerable.Range(0, levels.Count).Where(i => levels[i] == level).ToList();
        return (level, idx.Average(i => correct[i] ? 1.0 : 0.0), idx.Average(i => thinking[i] ? 1.0 : 0.0));
    }).ToList();
    return new Report(answers.Count, correct.Average(c => c ? 1.0 : 0.0), thinking.Average(t => t ? 1.0 : 0.0), perLevel);
}

/// <summary>Accuracy and think rate on the test split, overall and per difficulty level.</summary>
internal sealed record Report(int Count, double Accuracy, double ThinkRate, IReadOnlyList<(string Level, double Accuracy, double ThinkRate)> Levels);
