using System.Globalization;
using AudioThinker.Grpo.Composition;

namespace AudioThinker.Grpo.Tests;

public class QuickstartResumeTests
{
    // Two variants, one seed, a few steps of everything: small enough to run three times in a test.
    private static string WriteQuickstart(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "quickstart.yaml");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"""
            experiment:
              name: quickstart-resume
              seed: 1
              threads: 1
              model:
                preset: tiny
              data:
                synthetic:
                  trainPerLevel: 2
                  testPerLevel: 1
                  clipSeconds: 2
                  seed: 5
              sft:
                steps: 2
                batchSize: 2
                warmupSteps: 1
              grpo:
                steps: 3
                questionsPerStep: 1
                groupSize: 2
                maxCompletionTokens: 8
                learningRate: 0.001
              output:
                dir: runs
                checkpointEvery: 1000
            quickstart:
              seeds: 1
              workers: 1
              variants:
                - name: outcome
                  prompt: direct
                  rewards: {"{"} pipeline: "format, accuracy", combiner: weighted {"}"}
                - name: atar
                  prompt: adaptive
                  rewards: {"{"} eq7.consistencyCoefficient: 0, eq7.thinkCoefficient: 0 {"}"}
            profiles:
              default:
                seeds: 1
            """));
        return path;
    }

    private static QuickstartRunner Runner(string yaml, string output, Dictionary<string, string?>? more = null)
    {
        var overrides = new Dictionary<string, string?>(more ?? [], StringComparer.OrdinalIgnoreCase) { ["output:dir"] = output };
        return new QuickstartRunner(yaml, "default", overrides);
    }

    // Runs until the second variant (atar) has done its first GRPO step, then cancels, as Ctrl-C does.
    private static async Task StopAfterTheFirstAtarStep(QuickstartRunner runner)
    {
        using var cts = new CancellationTokenSource();
        runner.StepCompleted += (variant, m) =>
        {
            if (variant == "atar" && m.Phase == "grpo" && m.Step == 1)
            {
                cts.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(cts.Token));
    }

    [Fact]
    public async Task AStoppedQuickstartResumesToTheSameResultsWithoutRedoingFinishedWork()
    {
        var root = TinySetup.TempDir("qs-resume");
        var yaml = WriteQuickstart(root);
        var whole = await Runner(yaml, Path.Combine(root, "whole")).RunAsync();

        // Stop the second run of the same settings after the first GRPO step of its second variant (a Ctrl-C).
        var stoppedFolder = Path.Combine(root, "stopped");
        await StopAfterTheFirstAtarStep(Runner(yaml, stoppedFolder));

        var steps = new List<(string Variant, string Phase, int Step)>();
        var resumed = Runner(yaml, stoppedFolder);
        resumed.StepCompleted += (variant, m) => steps.Add((variant, m.Phase, m.Step));
        var result = await resumed.RunAsync(resume: true);

        // Nothing finished was trained again: no warm-up step, no step of the finished variant, only atar's steps 2 and 3.
        Assert.Equal([("atar", "grpo", 2), ("atar", "grpo", 3)], steps);
        Assert.True(result.Resumed);
        Assert.Equal(whole.Runs.Select(r => r.Variant), result.Runs.Select(r => r.Variant));
        for (var i = 0; i < whole.Runs.Count; i++)
        {
            var (a, b) = (whole.Runs[i], result.Runs[i]);
            Assert.Equal(a.Summary.Responses.Select(r => r.Response), b.Summary.Responses.Select(r => r.Response));
            Assert.Equal(a.Metrics.Select(m => m.Step), b.Metrics.Select(m => m.Step));
            Assert.Equal(a.Metrics.Select(m => m.Values["loss"]), b.Metrics.Select(m => m.Values["loss"]));
        }
        Assert.True(File.Exists(Path.Combine(stoppedFolder, "report.md")));
    }

    [Fact]
    public async Task ANewRunReplacesTheEarlierOneSoItsCheckpointsCannotLeakIntoAResume()
    {
        var root = TinySetup.TempDir("qs-resume-replace");
        var yaml = WriteQuickstart(root);
        var folder = Path.Combine(root, "run");
        await Runner(yaml, folder).RunAsync(); // 3 GRPO steps a variant
        var shorter = new Dictionary<string, string?> { ["grpo:steps"] = "2" };
        await StopAfterTheFirstAtarStep(Runner(yaml, folder, shorter));

        var result = await Runner(yaml, folder, shorter).RunAsync(resume: true);
        // The first run's step-3 checkpoints were removed with it: both variants end at step 2.
        Assert.All(result.Runs, r => Assert.Equal([1, 2], r.Metrics.Select(m => m.Step)));
    }

    [Fact]
    public async Task ResumingWithOtherSettingsIsAnErrorNamingTheFileAndTheKey()
    {
        var root = TinySetup.TempDir("qs-resume-settings");
        var yaml = WriteQuickstart(root);
        var folder = Path.Combine(root, "run");
        using var cts = new CancellationTokenSource();
        var first = Runner(yaml, folder);
        first.StepCompleted += (_, _) => cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.RunAsync(cts.Token));

        var other = Runner(yaml, folder, new() { ["grpo:steps"] = "4" });
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => other.RunAsync(resume: true));
        Assert.Contains(Path.Combine(folder, QuickstartRunner.SettingsFile), e.Message, StringComparison.Ordinal);
        Assert.Contains("experiment:grpo:steps", e.Message, StringComparison.Ordinal);
    }
}
