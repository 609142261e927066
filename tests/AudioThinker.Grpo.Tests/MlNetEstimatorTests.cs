using AudioThinker.Data.Synthetic;
using AudioThinker.Grpo.MlNet;
using AudioThinker.Grpo.Options;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AudioThinker.Grpo.Tests;

public class MlNetEstimatorTests
{
    private sealed class Row
    {
        public string AudioPath { get; set; } = "";
        public string Question { get; set; } = "";
        public string[] Choices { get; set; } = [];
        public string Answer { get; set; } = "";
        public string Difficulty { get; set; } = "";
        public float Extra { get; set; }
    }

    [Fact]
    public void FitTransformSaveAndLoadRoundTrip()
    {
        var dir = TinySetup.TempDir("mlnet");
        var set = new SyntheticGenerator(new SyntheticOptions { Seed = 9, ClipSeconds = 2, Counts = new LevelCounts { Easy = 2, Medium = 1, Hard = 1 } }).Write(Path.Combine(dir, "data"));
        var rows = set.Questions.Select((q, i) => new Row
        {
            AudioPath = q.Audio!.Path!,
            Question = q.Question,
            Choices = [.. q.Choices],
            Answer = q.Answer,
            Difficulty = q.Difficulty.ToString().ToLowerInvariant(),
            Extra = i,
        }).ToList();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);
        var experiment = new ExperimentOptions
        {
            Sft = new SftOptions { Steps = 3, BatchSize = 4 },
            Grpo = new GrpoOptions { Steps = 1, QuestionsPerStep = 1, GroupSize = 2, MaxCompletionTokens = 8, LearningRate = 1e-4 },
            Output = new OutputOptions { Dir = Path.Combine(dir, "run") },
        };
        var estimator = ml.AudioThinker().Grpo(new GrpoEstimatorOptions { Experiment = experiment, MaxNewTokens = 12 });
        var model = estimator.Fit(data);

        var output = model.Transform(data);
        foreach (var column in new[] { "Response", "PredictedAnswer", "Thought", "Thinking", "Extra", "Question" })
        {
            Assert.NotNull(output.Schema.GetColumnOrNull(column)); // input columns are kept, prediction columns added
        }
        var responses = output.GetColumn<string>("Response").ToList();
        Assert.Equal(rows.Count, responses.Count);
        Assert.Equal(rows.Select(r => r.Extra), output.GetColumn<float>("Extra"));

        var path = Path.Combine(dir, "model.zip");
        ml.AudioThinker().Save(model, data.Schema, path);
        var loaded = new MLContext().AudioThinker().Load(path, out var schema);
        Assert.NotNull(schema.GetColumnOrNull("Question"));
        var again = loaded.Transform(data).GetColumn<string>("Response").ToList();
        Assert.Equal(responses, again); // greedy decoding of the same weights
    }

    [Fact]
    public void MissingColumnIsNamed()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new { Question = "q", Answer = "a" } });
        var estimator = ml.AudioThinker().Grpo(new GrpoEstimatorOptions { Experiment = new ExperimentOptions { Output = new OutputOptions { Dir = TinySetup.TempDir("mlnet-bad") } } });
        var e = Assert.Throws<ArgumentException>(() => estimator.Fit(data));
        Assert.Contains("'AudioPath'", e.Message, StringComparison.Ordinal);
    }
}
