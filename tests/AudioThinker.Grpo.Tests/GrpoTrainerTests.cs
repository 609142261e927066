using AudioThinker.Abstractions;
using AudioThinker.Grpo.Checkpoints;
using AudioThinker.Grpo.Metrics;
using AudioThinker.Grpo.Options;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Prompts;
using AudioThinker.Rewards.DependencyInjection;
using AudioThinker.Rewards.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace AudioThinker.Grpo.Tests;

public class GrpoTrainerTests
{
    private static GrpoOptions Options(int steps) => new()
    {
        Steps = steps,
        QuestionsPerStep = 1,
        GroupSize = 2,
        MaxCompletionTokens = 10,
        LearningRate = 1e-3,
        Beta = 0.04,
        Temperature = 1.0,
    };

    private static GrpoTrainer Trainer(IReadOnlyList<AudioQuestion> questions, string folder, int steps, out PolicySession policy, RewardPipeline? pipeline = null,
        GrpoOptions? options = null)
    {
        policy = TinySetup.Session(questions, seed: 5);
        var reference = TinySetup.Session(questions, seed: 5); // same initial weights: the KL reference
        return new GrpoTrainer(policy, reference, pipeline ?? TinySetup.LengthPipeline(), options ?? Options(steps), PromptTemplates.Adaptive, questions, seed: 11,
            new TrainerOutput(folder, CheckpointEvery: 3, KeepCheckpoints: 3, SampleEvery: 2));
    }

    private static float[] Weights(PolicySession s) =>
        s.Model.Module.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public async Task KilledAndResumedRunEndsWithIdenticalWeights()
    {
        var questions = TinySetup.Questions();
        using (var straight = Trainer(questions, TinySetup.TempDir("straight"), 6, out var a))
        {
            await straight.RunAsync();
            var expected = Weights(a);

            var folder = TinySetup.TempDir("killed");
            using (var first = Trainer(questions, folder, 6, out _))
            {
                // Simulate a crash after step 4: the last checkpoint on disk is step 3's.
                first.StepCompleted += m =>
                {
                    if (m.Step == 4)
                    {
                        throw new IOException("simulated crash");
                    }
                };
                await Assert.ThrowsAsync<IOException>(() => first.RunAsync());
            }
            Assert.EndsWith("step-grpo-000003", new CheckpointStore(folder).Latest());
            using var resumed = Trainer(questions, folder, 6, out var b);
            Assert.NotEqual(expected, Weights(b)); // before resuming it holds the initial weights
            Assert.True(resumed.TryResume());
            Assert.Equal(3, resumed.Step);
            await resumed.RunAsync();
            Assert.Equal(expected, Weights(b));
        }
    }

    [Fact]
    public async Task StepsWriteMetricsSamplesCheckpointsAndPlots()
    {
        var questions = TinySetup.Questions();
        var folder = TinySetup.TempDir("metrics");
        using var trainer = Trainer(questions, folder, 4, out _);
        var summary = await trainer.RunAsync();
        Assert.Equal(4, summary.StepsDone);
        var metrics = MetricsLog.Read(Path.Combine(folder, "metrics.jsonl"));
        Assert.Equal([1, 2, 3, 4], metrics.Select(m => m.Step));
        foreach (var key in new[] { "reward/total/mean", "reward/atar/mean", "reward/format/std", "think_rate", "think_prob", "think_push", "accuracy", "kl", "clip_ratio", "entropy",
                     "grad_norm", "lr", "zero_variance_groups", "rollout_tokens_per_s", "train_tokens_per_s", "step_time_s" })
        {
            Assert.All(metrics, m => Assert.True(m.Values.ContainsKey(key), $"step {m.Step} lacks {key}"));
        }
        Assert.Equal(0, metrics[0].Values["kl"], 6); // the policy starts at the reference
        // Each mode's accuracy weighted by its share gives the overall accuracy (invalid responses may add the rest).
        foreach (var m in metrics.Select(m => m.Values))
        {
            double Part(string mode, double share) => share < 1e-9 ? 0 : share * m[$"accuracy/{mode}"];
            var thinkShare = m["think_rate"];
            var byMode = Part("think", thinkShare) + Part("no_think", 1 - thinkShare - m["invalid_rate"]);
            Assert.InRange(m["accuracy"] - byMode, -1e-9, m["invalid_rate"] + 1e-9);
            // The think decision's probability is a probability, and the levels' means make up the step's mean.
            Assert.InRange(m["think_prob"], 0, 1);
            var levels = new[] { "easy", "medium", "hard" }.Where(l => m.ContainsKey($"think_prob/{l}")).ToList();
            Assert.NotEmpty(levels);
        }
        Assert.True(File.ReadAllLines(Path.Combine(folder, "samples.jsonl")).Length >= 2);
        Assert.True(File.Exists(Path.Combine(folder, "plots", "reward_total.png")));
        Assert.True(File.Exists(Path.Combine(folder, "plots", "think_rate.png")));
        Assert.Equal(2, new CheckpointStore(folder).All().Count); // steps 3 and 4
    }

    private sealed class NaNReward : IRewardFunction
    {
        public string Name => "broken";

        public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new RewardScores(Name, batch.Select(g => (IReadOnlyList<double>)g.Rollouts.Select((_, i) => i == 1 ? double.NaN : 0.0).ToList()).ToList()));
    }

    [Fact]
    public async Task NonFiniteRewardStopsTheRunNamingRewardAndSample()
    {
        var questions = TinySetup.Questions(1);
        var pipeline = TinySetup.LengthPipeline(s => s.AddReward<NaNReward>("broken", weight: 1));
        using var trainer = Trainer(questions, TinySetup.TempDir("nan"), 3, out _, pipeline);
        var e = await Assert.ThrowsAsync<NonFiniteException>(() => trainer.RunAsync());
        Assert.Contains("reward 'broken'", e.Message, StringComparison.Ordinal);
        Assert.Contains("completion 1", e.Message, StringComparison.Ordinal);
        Assert.Contains(questions, q => e.Message.Contains($"question '{q.Id}'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NonFiniteStepsAreSkippedWhenConfiguredAndStopAfterTooManyInARow()
    {
        var questions = TinySetup.Questions(1);
        var pipeline = TinySetup.LengthPipeline(s => s.AddReward<NaNReward>("broken", weight: 1));
        var options = Options(5);
        options.OnNonFinite = "skip";
        options.MaxSkippedInARow = 3;
        var folder = TinySetup.TempDir("skip");
        using var trainer = Trainer(questions, folder, 5, out var policy, pipeline, options);
        var before = policy.Model.Module.parameters().First().detach().clone();
        var e = await Assert.ThrowsAsync<NonFiniteException>(() => trainer.RunAsync());
        Assert.Contains("3 steps in a row", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, trainer.Step); // steps 1 and 2 were skipped and counted, the third stopped the run
        Assert.True(policy.Model.Module.parameters().First().detach().eq(before).all().item<bool>()); // no update from a skipped step
        Assert.All(MetricsLog.Read(Path.Combine(folder, "metrics.jsonl")), m => Assert.Equal(1, m.Values["skipped"]));
    }
}

public class CheckpointAndLockTests
{
    [Fact]
    public void AFailedCheckpointWriteLeavesThePreviousOneIntact()
    {
        var folder = TinySetup.TempDir("ckpt");
        var store = new CheckpointStore(folder, keep: 2);
        var first = store.Save("grpo", 3, dir => File.WriteAllText(Path.Combine(dir, "weights"), "three"));
        Assert.Throws<IOException>(() => store.Save("grpo", 6, dir =>
        {
            File.WriteAllText(Path.Combine(dir, "weights"), "half");
            throw new IOException("disk full");
        }));
        Assert.Equal(first, store.Latest());
        Assert.Equal("three", File.ReadAllText(Path.Combine(store.Latest()!, "weights")));
        Assert.Single(store.All());
        // The next successful save supersedes it, and pruning keeps two.
        store.Save("grpo", 6, dir => File.WriteAllText(Path.Combine(dir, "weights"), "six"));
        store.Save("grpo", 9, dir => File.WriteAllText(Path.Combine(dir, "weights"), "nine"));
        Assert.Equal(2, store.All().Count);
        Assert.Equal("nine", File.ReadAllText(Path.Combine(store.Latest()!, "weights")));
    }

    [Fact]
    public void ASecondRunOnTheSameFolderIsRefused()
    {
        var folder = TinySetup.TempDir("lock");
        using (RunLock.Acquire(folder))
        {
            var e = Assert.Throws<IOException>(() => RunLock.Acquire(folder));
            Assert.Contains("in use by another run", e.Message, StringComparison.Ordinal);
            Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        }
        using var again = RunLock.Acquire(folder); // released with the first
    }

    [Fact]
    public void DataOrderIsAPureFunctionOfSeedAndStep()
    {
        var a = new DataOrder(10, 4, seed: 3);
        var b = new DataOrder(10, 4, seed: 3);
        Assert.Equal(a.At(7), b.At(7));
        var epoch = Enumerable.Range(0, 5).SelectMany(s => a.At(s)).Take(10).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 10), epoch); // each epoch is a permutation
        Assert.NotEqual(new DataOrder(10, 4, seed: 4).At(0), a.At(0));
        Assert.Equal(DataOrder.StepSeed(1, 2), DataOrder.StepSeed(1, 2));
    }
}
