using AudioThinker.Abstractions;
using AudioThinker.Grpo.Composition;
using AudioThinker.Grpo.Evaluation;
using AudioThinker.Grpo.Metrics;

namespace AudioThinker.Grpo.Tests;

public class QuickstartReportTests
{
    // n responses at a level, the first `right` of them correct, all in one mode.
    private static IEnumerable<EvaluatedResponse> At(Difficulty level, ResponseMode mode, int n, int right) =>
        Enumerable.Range(0, n).Select(i =>
        {
            var q = new AudioQuestion($"{level}-{i}", null, "q?", ["a", "b"], "a") { Difficulty = level };
            var answer = i < right ? "a" : "b";
            return new EvaluatedResponse(q, answer, new ParsedResponse(mode, mode == ResponseMode.Think ? "t" : null, answer), i < right, true, 3);
        });

    private static EvaluationSummary Greedy(ResponseMode mode, int easy, int hard) =>
        new([.. At(Difficulty.Easy, mode, 10, easy), .. At(Difficulty.Medium, mode, 10, 5), .. At(Difficulty.Hard, mode, 10, hard)]);

    [Fact]
    public void TheAtarPayOffCheckUsesGreedyProbesAndSampledRollouts()
    {
        var variants = new List<QuickstartVariant> { new() { Name = "outcome", Prompt = "direct" }, new() { Name = "atar", Prompt = "adaptive" } };
        // Two steps of the adaptive variant: sampled hard answers are right half the time directly, 0.6 when thinking.
        var steps = new List<StepMetrics>
        {
            new("grpo", 1, new Dictionary<string, double> { ["accuracy/think"] = 0.7, ["accuracy/no_think"] = 0.7, ["accuracy/think/hard"] = 0.5, ["accuracy/no_think/hard"] = 0.5, ["accuracy/no_think/easy"] = 1 }),
            new("grpo", 2, new Dictionary<string, double> { ["accuracy/think"] = 0.8, ["accuracy/no_think"] = 0.6, ["accuracy/think/hard"] = 0.7, ["accuracy/no_think/hard"] = 0.5 }),
        };
        // The direct-prompt variant's metrics must not count: its rollouts never think.
        var outcomeSteps = new List<StepMetrics> { new("grpo", 1, new Dictionary<string, double> { ["accuracy/no_think/hard"] = 0.0 }) };
        var warm = Greedy(ResponseMode.NoThink, 10, 3);
        var folder = Directory.CreateTempSubdirectory("audiothinker-report-").FullName;
        var result = new QuickstartResult(folder, "fast", warm,
            [new VariantRun("outcome", 1, warm, outcomeSteps), new VariantRun("atar", 1, warm, steps)], variants, TimeSpan.FromMinutes(1),
            new Dictionary<string, EvaluationSummary> { ["think"] = Greedy(ResponseMode.Think, 9, 6), ["direct"] = Greedy(ResponseMode.NoThink, 10, 3) });

        string md;
        try
        {
            md = File.ReadAllText(QuickstartReport.Write(result));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // Greedy: hard 0.60 against 3·0.30 − 1 = −0.10; easy 0.90 against 2.00.
        Assert.Contains("easy 0.90 vs 2.00 (answering pays)", md, StringComparison.Ordinal);
        Assert.Contains("hard 0.60 vs -0.10 (thinking pays)", md, StringComparison.Ordinal);
        // Sampled: hard think 0.60 (mean of 0.5, 0.7) against 3·0.50 − 1 = 0.50; easy was never sampled thinking.
        Assert.Contains("| think | 75.0 | – | – | 60.0 |", md, StringComparison.Ordinal);
        Assert.Contains("| no-think | 65.0 | 100.0 | – | 50.0 |", md, StringComparison.Ordinal);
        Assert.Contains("easy not sampled in both modes", md, StringComparison.Ordinal);
        Assert.Contains("hard 0.60 vs 0.50 (thinking pays)", md, StringComparison.Ordinal);
    }
}
