using AudioThinker.Abstractions;
using AudioThinker.Cli.Reliability;
using AudioThinker.Grpo.Checkpoints;
using AudioThinker.Grpo.Options;
using AudioThinker.Grpo.Tests;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Prompts;
using AudioThinker.Rewards.DependencyInjection;
using AudioThinker.Rewards.Judges;
using AudioThinker.Rewards.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AudioThinker.Reliability.Tests;

/// <summary>
/// GRPO with every rollout sent to an HTTP judge (a reward that asks the think-quality judge about each completion's text),
/// against a healthy server, one whose every prompt fails its first attempt (500, 429, reset in turn), and one that goes down
/// for good mid-run and comes back later.
/// </summary>
public sealed class JudgeOutageTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-rel-outage-");

    public void Dispose() => _dir.Delete(true);

    /// <summary>The judge's score of each completion's text, whatever its form.</summary>
    private sealed class JudgedReward(OpenAiCompatibleJudge judge) : IRewardFunction
    {
        public string Name => "judged";

        public async ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default)
        {
            var requests = batch.SelectMany(g => g.Rollouts.Select(r => new JudgeRequest(JudgeKind.ThinkQuality, g.Question.Question, g.Question.Choices, r.Text, ""))).ToList();
            var verdicts = await judge.JudgeAsync(requests, cancellationToken);
            var k = 0;
            return new RewardScores(Name, batch.Select(g => (IReadOnlyList<double>)g.Rollouts.Select(_ => verdicts[k++].Score).ToList()).ToList());
        }
    }

    // The score depends only on the prompt, so every server state gives the same verdicts when it answers.
    private static JudgeReply Healthy(ReceivedJudgeRequest r) =>
        JudgeReply.Completion((Math.Abs(r.Prompt.GetHashCode(StringComparison.Ordinal) % 11) / 10.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));

    private GrpoTrainer Trainer(IReadOnlyList<AudioQuestion> questions, string folder, FaultInjectingJudgeServer server, out PolicySession policy,
        out OpenAiCompatibleJudge judge, int checkpointEvery = 1)
    {
        var services = new ServiceCollection();
        services.AddAudioThinkerRewards(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["pipeline"] = "format" }).Build());
        judge = new OpenAiCompatibleJudge("remote", new OpenAiJudgeOptions
        {
            BaseUrl = server.BaseUrl,
            Model = "judge",
            TimeoutSeconds = 5,
            MaxRetries = 2,
            RetryBaseDelaySeconds = 0.01,
            MaxRetryDelaySeconds = 0.05,
        });
        services.AddSingleton(judge);
        services.AddReward<JudgedReward>("judged", weight: 1);
        var pipeline = services.BuildServiceProvider().GetRequiredService<RewardPipeline>();
        policy = TinySetup.Session(questions, seed: 5);
        var reference = TinySetup.Session(questions, seed: 5);
        var options = new GrpoOptions { Steps = 4, QuestionsPerStep = 1, GroupSize = 2, MaxCompletionTokens = 6, LearningRate = 1e-3, Beta = 0.04 };
        return new GrpoTrainer(policy, reference, pipeline, options, PromptTemplates.Adaptive, questions, seed: 11,
            new TrainerOutput(folder, CheckpointEvery: checkpointEvery, KeepCheckpoints: 2, SampleEvery: 0));
    }

    private static float[] Weights(PolicySession s) =>
        s.Model.Module.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public async Task RetriedFaultsAreInvisibleAndAnOutageStopsTheRunWithoutLosingCheckpointedSteps()
    {
        var questions = TinySetup.Questions(1);
        float[] expected;
        await using (var healthy = new FaultInjectingJudgeServer(Healthy))
        {
            using var straight = Trainer(questions, Path.Combine(_dir.FullName, "healthy"), healthy, out var a, out var j);
            await straight.RunAsync();
            expected = Weights(a);
            Assert.Equal(8, j.Statistics.HttpAttempts + j.Statistics.Deduplicated); // 4 steps × 2 rollouts, each judged once
            j.Dispose();
        }

        // Every prompt's first attempt fails: the retries absorb it and training is unchanged.
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await using (var flaky = new FaultInjectingJudgeServer(r => seen.AddOrUpdate(r.Prompt, 1, (_, n) => n + 1) == 1
                         ? (r.Index % 3) switch { 0 => JudgeReply.Status(500), 1 => JudgeReply.Status(429, "0"), _ => new JudgeReply.Drop() }
                         : Healthy(r)))
        {
            using var trainer = Trainer(questions, Path.Combine(_dir.FullName, "flaky"), flaky, out var b, out var j);
            await trainer.RunAsync();
            Assert.Equal(seen.Count, j.Statistics.Retries); // one retry per distinct prompt
            Assert.Equal(expected, Weights(b));
            j.Dispose();
        }

        // The server goes down for good after step 2: the run stops naming the judge, and checkpoints step 2 on its way out
        // although its regular checkpoints (every 10 steps) would only have saved the end, step 4.
        var folder = Path.Combine(_dir.FullName, "outage");
        var down = false;
        await using (var failing = new FaultInjectingJudgeServer(r => Volatile.Read(ref down) ? JudgeReply.Status(503) : Healthy(r)))
        {
            using var trainer = Trainer(questions, folder, failing, out _, out var j, checkpointEvery: 10);
            trainer.StepCompleted += m => Volatile.Write(ref down, m.Step >= 2);
            var e = await Assert.ThrowsAsync<JudgeException>(() => trainer.RunAsync());
            Assert.Contains("judge 'remote'", e.Message, StringComparison.Ordinal);
            Assert.Contains("503", e.Message, StringComparison.Ordinal);
            Assert.Equal(2, trainer.Step);
            Assert.EndsWith("step-grpo-000002", new CheckpointStore(folder).Latest());
            j.Dispose();
        }

        // The judge is back: resuming finishes the run exactly as the healthy one ended.
        await using (var back = new FaultInjectingJudgeServer(Healthy))
        {
            using var resumed = Trainer(questions, folder, back, out var c, out var j, checkpointEvery: 10);
            Assert.True(resumed.TryResume());
            await resumed.RunAsync();
            Assert.Equal(expected, Weights(c));
            j.Dispose();
        }
    }
}
