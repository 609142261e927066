using AudioThinker.Abstractions;
using AudioThinker.Rewards.DependencyInjection;
using AudioThinker.Rewards.Functions;
using AudioThinker.Rewards.Judges;
using AudioThinker.Rewards.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static AudioThinker.Rewards.Tests.Batches;

namespace AudioThinker.Rewards.Tests;

/// <summary>A user's own reward: 1 for answers of at most three words. One class.</summary>
public sealed class BrevityReward : IRewardFunction
{
    public string Name => "brevity";

    public ValueTask<RewardScores> ScoreAsync(IReadOnlyList<RolloutGroup> batch, RewardContext context, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new RewardScores(Name, batch
            .Select(g => (IReadOnlyList<double>)g.Rollouts.Select(r => (r.Parsed.Answer?.Split(' ').Length ?? 99) <= 3 ? 1.0 : 0.0).ToArray())
            .ToArray()));
}

/// <summary>A user's own judge: always agrees, scores every reasoning 0.3.</summary>
public sealed class LenientJudge : IJudge
{
    public string Name => "lenient";

    public Task<IReadOnlyList<JudgeVerdict>> JudgeAsync(IReadOnlyList<JudgeRequest> requests, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JudgeVerdict>>(requests.Select(r => new JudgeVerdict(r.Kind == JudgeKind.Consistency ? 1 : 0.3, true, "lenient")).ToArray());
}

public class DependencyInjectionTests
{
    private static IConfigurationSection Section(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("rewards:" + v.Key, v.Value)))
            .Build()
            .GetSection("rewards");

    private static RewardPipeline Build(IConfigurationSection section, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection().AddAudioThinkerRewards(section);
        more?.Invoke(services);
        return services.BuildServiceProvider().GetRequiredService<RewardPipeline>();
    }

    private static readonly RolloutGroup[] Batch =
    [
        Group(Think("I hear a dog barking twice, so the answer is dog", "dog"), NoThink("a dog barking in the distance"), NoThink("cat")),
    ];

    [Fact]
    public async Task EmptyConfigurationGivesThePaperDefaults()
    {
        var pipeline = Build(Section());
        Assert.Equal(RewardNames.PaperPipeline, pipeline.Names);
        Assert.IsType<AudioThinkerTotal>(pipeline.Combiner);
        var direct = await new RewardPipeline(
            [new FormatReward(), new AccuracyReward(), new AdaptiveThinkAccuracyReward(), new ConsistencyReward(new RuleBasedJudge()), new ThinkReward(new RuleBasedJudge())],
            new AudioThinkerTotal()).ScoreAsync(Batch, new RewardContext(3, 10));
        var viaDi = await pipeline.ScoreAsync(Batch, new RewardContext(3, 10));
        Assert.Equal(direct.Breakdowns[0].Select(b => b.Total), viaDi.Breakdowns[0].Select(b => b.Total));
    }

    [Fact]
    public async Task ACustomRewardNeedsOneClassAndOneRegistrationLine()
    {
        var plain = await Build(Section()).ScoreAsync(Batch, new RewardContext(0, 10));
        var pipeline = Build(Section(), services => services.AddReward<BrevityReward>("brevity", weight: 0.5));

        Assert.Equal([.. RewardNames.PaperPipeline, "brevity"], pipeline.Names);
        var scored = await pipeline.ScoreAsync(Batch, new RewardContext(0, 10));
        var rows = scored.Breakdowns[0];
        Assert.Equal([1.0, 0, 1], rows.Select(r => r.Components["brevity"]));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(plain.Breakdowns[0][i].Total + 0.5 * rows[i].Components["brevity"], rows[i].Total, 12);
        }
    }

    [Fact]
    public async Task ConfigurationChoosesRewardsWeightsAndCoefficients()
    {
        var section = Section(
            ("pipeline:0", "format"), ("pipeline:1", "accuracy"), ("combiner", "weighted"), ("weights:accuracy", "2"),
            ("accuracy:rules:0", "mmauTokens"), ("advantage:scaling", "none"));
        var pipeline = Build(section);
        Assert.Equal(["format", "accuracy"], pipeline.Names);
        var rows = (await pipeline.ScoreAsync(Batch, new RewardContext(0, 10))).Breakdowns[0];
        Assert.Equal([3.0, 3, 1], rows.Select(r => r.Total)); // format 1 + 2 × accuracy (MMAU accepts "a dog barking ...")
        Assert.Equal(rows[0].Total - rows.Average(r => r.Total), rows[0].Advantage, 12);

        var eq7 = Build(Section(("eq7:formatCoefficient", "0"), ("eq7:thinkCoefficient", "0"), ("atar:softPenalty", "false")));
        var totals = (await eq7.ScoreAsync(Batch, new RewardContext(0, 10))).Breakdowns[0].Select(r => r.Total);
        // Think, right and consistent: 1 × 1.5; "a dog barking in the distance" is wrong by text and letter, as is "cat": −1 each.
        Assert.Equal([1.5, -1, -1], totals);
    }

    [Fact]
    public async Task JudgesAreChosenByName()
    {
        var pipeline = Build(Section(("think:judge", "lenient"), ("consistency:judge", "lenient")), s => s.AddJudge<LenientJudge>("lenient"));
        var rows = (await pipeline.ScoreAsync(Batch, new RewardContext(0, 10))).Breakdowns[0];
        Assert.Equal(0.3, rows[0].Components["think"]);
        Assert.Equal(0.3, rows[1].Components["think"]);

        var services = new ServiceCollection().AddAudioThinkerRewards(Section(
            ("judges:strict:type", "rule-based"), ("judges:strict:minWords", "50"), ("think:judge", "strict"),
            ("judges:qwen:type", "openai"), ("judges:qwen:baseUrl", "http://127.0.0.1:9/v1"), ("judges:qwen:model", "Qwen/Qwen3-8B-Base")));
        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<JudgeRegistry>();
        Assert.IsType<OpenAiCompatibleJudge>(registry.Get("qwen"));
        var strict = await provider.GetRequiredService<RewardPipeline>().ScoreAsync(Batch, new RewardContext(0, 10));
        Assert.Equal(0.0, strict.Breakdowns[0][0].Components["think"]); // fewer than 50 words
    }

    [Fact]
    public async Task JudgesMayLiveInATopLevelSectionButNotInBoth()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["rewards:think:judge"] = "strict",
            ["judges:strict:type"] = "rule-based",
            ["judges:strict:minWords"] = "50",
        }).Build();
        var pipeline = new ServiceCollection().AddAudioThinkerRewards(config.GetSection("rewards"), config.GetSection("judges"))
            .BuildServiceProvider().GetRequiredService<RewardPipeline>();
        Assert.Equal(0.0, (await pipeline.ScoreAsync(Batch, new RewardContext(0, 10))).Breakdowns[0][0].Components["think"]);

        var both = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["rewards:judges:x:type"] = "rule-based",
            ["judges:strict:type"] = "rule-based",
            ["judges:strict:minWords"] = "fifty",
        }).Build();
        var services = new ServiceCollection().AddAudioThinkerRewards(both.GetSection("rewards"), both.GetSection("judges")).BuildServiceProvider();
        var e = Assert.Throws<RewardsConfigurationException>(() => services.GetRequiredService<RewardPipeline>());
        Assert.Contains("rewards:judges would be ignored: judges are configured at judges", e.Message);
    }

    [Theory]
    [InlineData("atar:noThinkCorrect", "NaN", "rewards:atar:noThinkCorrect must be finite")]
    [InlineData("atar:thinkCorect", "1", "rewards:atar:thinkCorect is not a known key")]
    [InlineData("atar:thinkCorrect", "lots", "rewards:atar: Failed to convert configuration value 'lots' at 'rewards:atar:ThinkCorrect' to type 'System.Double'")]
    [InlineData("atr:thinkCorrect", "1", "rewards:atr is not a known key")]
    [InlineData("pipeline:0", "speed", "rewards:pipeline names 'speed', which is not a registered reward")]
    [InlineData("think:judge", "gpt", "rewards:think:judge names judge 'gpt', which is not registered")]
    [InlineData("weights:think", "2", "rewards:weights:think cannot weigh an Eq. 7 component")]
    [InlineData("advantage:epsilon", "-1", "rewards:advantage:epsilon must be a finite number at least 0")]
    [InlineData("judges:x:type", "magic", "rewards:judges:x:type must be rule-based or openai")]
    [InlineData("judges:x:model", "m", "rewards:judges:x:type must be rule-based or openai, or the judge must be added in code")]
    [InlineData("think:whenNobodyThinks", "2", "rewards:think:whenNobodyThinks must be in [0, 1]")]
    public void BadConfigurationNamesTheKeyAndRule(string key, string value, string message)
    {
        var e = Assert.Throws<RewardsConfigurationException>(() => Build(Section((key, value))));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Eq7NeedsItsComponentsInThePipeline()
    {
        var e = Assert.Throws<RewardsConfigurationException>(() => Build(Section(("pipeline:0", "format"), ("pipeline:1", "accuracy"))));
        Assert.Contains("rewards:combiner eq7 needs reward 'atar' in rewards:pipeline", e.Message);
    }

    [Fact]
    public void OpenAiJudgeOptionsAreValidatedWithTheirKeys()
    {
        var services = new ServiceCollection().AddAudioThinkerRewards(Section(
            ("judges:qwen:type", "openai"), ("judges:qwen:model", "m"), ("judges:qwen:maxConcurrency", "0"), ("think:judge", "qwen")));
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<RewardsConfigurationException>(() => provider.GetRequiredService<RewardPipeline>());
        Assert.Contains("rewards:judges:qwen:baseUrl must be set", e.Message);
        Assert.Contains("rewards:judges:qwen:maxConcurrency must be at least 1", e.Message);
    }
}
