using AudioThinker.Grpo.Metrics;
using AudioThinker.Grpo.Options;
using AudioThinker.Grpo.Tests;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Prompts;
using AudioThinker.Rewards.DependencyInjection;
using AudioThinker.Rewards.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace AudioThinker.Reliability.Tests;

/// <summary>
/// A NaN loss, not a NaN reward (those are tested with the trainer): the KL reference's weights are poisoned, so sampling
/// from the policy is fine but every loss is NaN. The run must stop naming the step, or, when told to skip, skip without
/// touching the weights and stop after too many in a row.
/// </summary>
public sealed class NonFiniteLossTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-rel-nan-");

    public void Dispose() => _dir.Delete(true);

    private GrpoTrainer Trainer(string onNonFinite, out PolicySession policy)
    {
        var questions = TinySetup.Questions(1);
        var pipeline = new ServiceCollection().AddAudioThinkerRewards(new ConfigurationBuilder().Build()).BuildServiceProvider().GetRequiredService<RewardPipeline>();
        policy = TinySetup.Session(questions, seed: 5);
        var reference = TinySetup.Session(questions, seed: 5);
        using (torch.no_grad())
        {
            reference.Model.Module.parameters().Last().fill_(float.NaN);
        }
        var options = new GrpoOptions
        {
            Steps = 4,
            QuestionsPerStep = 1,
            GroupSize = 2,
            MaxCompletionTokens = 6,
            LearningRate = 1e-3,
            Beta = 0.04,
            OnNonFinite = onNonFinite,
            MaxSkippedInARow = 2,
        };
        return new GrpoTrainer(policy, reference, pipeline, options, PromptTemplates.Adaptive, questions, seed: 11,
            new TrainerOutput(Path.Combine(_dir.FullName, onNonFinite), CheckpointEvery: 1, KeepCheckpoints: 2, SampleEvery: 0));
    }

    [Fact]
    public async Task ANaNLossStopsTheRunNamingTheStep()
    {
        using var trainer = Trainer("error", out _);
        var e = await Assert.ThrowsAsync<NonFiniteException>(() => trainer.RunAsync());
        Assert.Contains("the loss is NaN at step 1", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, trainer.Step);
    }

    [Fact]
    public async Task SkippedNaNLossStepsLeaveTheWeightsAlone()
    {
        using var trainer = Trainer("skip", out var policy);
        var before = policy.Model.Module.parameters().Select(p => p.detach().clone()).ToList();
        var e = await Assert.ThrowsAsync<NonFiniteException>(() => trainer.RunAsync());
        Assert.Contains("2 steps in a row", e.Message, StringComparison.Ordinal);
        Assert.All(policy.Model.Module.parameters().Zip(before), p => Assert.True(p.First.detach().eq(p.Second).all().item<bool>()));
        Assert.All(MetricsLog.Read(Path.Combine(_dir.FullName, "skip", "metrics.jsonl")), m => Assert.Equal(1, m.Values["skipped"]));
    }
}
