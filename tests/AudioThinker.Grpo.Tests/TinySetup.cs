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

    /// <summary>A fresh folder under this test process's own temp root. The runs here write checkpoints of 10–100 MB each
    /// and CI's disk may be shared, so the root goes when the process exits, and roots that earlier test processes left
    /// (a host that was killed does not run exit handlers) go when the next one starts.</summary>
    public static string TempDir(string name) =>
        Directory.CreateDirectory(Path.Combine(TempRoot.Value, $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)])).FullName;

    private const string TempRootPrefix = "at-grpo-tests-";

    private static readonly Lazy<string> TempRoot = new(() =>
    {
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), TempRootPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(stale)[TempRootPrefix.Length..], out var pid) && !IsRunning(pid))
            {
                TryDelete(stale);
            }
        }
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), TempRootPrefix + Environment.ProcessId)).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    });

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another process's files, or one still open: left for the next sweep.
        }
    }
}
