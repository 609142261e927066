using AudioThinker.Abstractions;
using AudioThinker.Data.Synthetic;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Presets;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Runtime;
using AudioThinker.Policies.Tokenization;
using AudioThinker.Rewards.DependencyInjection;
using AudioThinker.Rewards.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AudioThinker.Grpo.Tests;

/// <summary>A few synthetic questions, a compact tokenizer built from them and a fresh `tiny` model.</summary>
internal static class TinySetup
{
    public static IReadOnlyList<AudioQuestion> Questions(int perLevel = 2, long seed = 3) =>
        new SyntheticGenerator(new SyntheticOptions { Seed = seed, ClipSeconds = 2, Counts = new LevelCounts { Easy = perLevel, Medium = perLevel, Hard = perLevel } }).Generate();

    public static CompactTokenizer Tokenizer(IReadOnlyList<AudioQuestion> questions) =>
        CompactTokenizer.Build(PromptCorpus.Texts(questions, PromptTemplates.All));

    public static PolicySession Session(IReadOnlyList<AudioQuestion> questions, long seed = 0)
    {
        TorchRuntime.Initialize();
        var tokenizer = Tokenizer(questions);
        return new PolicySession(ModelPresets.CreateQwen2Audio("tiny", tokenizer, seed), tokenizer);
    }

    /// <summary>Longer completions score higher: gives an untrained model's groups reward variance, hence gradients.</summary>
    public sealed class LengthReward : IRewardFunction
    {
        public string Name => "length";

        public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new RewardScores(Name, batch.Select(g => (IReadOnlyList<double>)g.Rollouts.Select(r => r.TokenIds.Count / 10.0).ToList()).ToList()));
    }

    /// <summary>The default rewards plus <see cref="LengthReward"/>, and whatever <paramref name="extra"/> registers.</summary>
    public static RewardPipeline LengthPipeline(Action<IServiceCollection>? extra = null)
    {
        var services = new ServiceCollection();
        services.AddAudioThinkerRewards(new ConfigurationBuilder().Build());
        services.AddReward<LengthReward>("length", weight: 1);
        extra?.Invoke(services);
        return services.BuildServiceProvider().GetRequiredService<RewardPipeline>();
    }

    public static string TempDir(string name) => Directory.CreateTempSubdirectory("at-" + name).FullName;
}
