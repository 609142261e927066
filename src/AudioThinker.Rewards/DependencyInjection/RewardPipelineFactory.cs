using AudioThinker.Abstractions;
using AudioThinker.Rewards.Functions;
using AudioThinker.Rewards.Options;
using AudioThinker.Rewards.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AudioThinker.Rewards.DependencyInjection;

/// <summary>Builds the configured <see cref="RewardPipeline"/> from a container.</summary>
internal static class RewardPipelineFactory
{
    private static readonly string[] SubSections = ["pipeline", "combiner", "weights", "accuracy", "atar", "consistency", "think", "eq7", "advantage", "judges"];

    public static RewardPipeline Create(IServiceProvider services)
    {
        var section = services.GetRequiredService<RewardsSection>();
        var path = section.Path;
        var root = OptionsAccess.Get<RewardsOptions>(services, path);
        var registry = services.GetRequiredService<RewardRegistry>();

        // The root may hold the known sections and one section per registered reward (for its own options).
        RewardsConfigurationException.ThrowIfAny(ConfigKeys.Unknown(section.Section, [.. SubSections, .. registry.Names], path));

        if (section.JudgesPath != $"{path}:judges" && section.Section.GetSection("judges").Exists())
        {
            throw new RewardsConfigurationException($"{path}:judges would be ignored: judges are configured at {section.JudgesPath}; keep them in one place");
        }

        var names = root.Pipeline ?? [.. RewardNames.PaperPipeline.Where(registry.Contains), .. registry.CustomNames];
        var rewards = names.Select(n => registry.Get(n, $"{path}:pipeline")).ToList();
        var inPipeline = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        foreach (var weighted in root.Weights.Keys.Where(k => !inPipeline.Contains(k)))
        {
            throw new RewardsConfigurationException($"{path}:weights:{weighted} names no reward of the pipeline ({string.Join(", ", names)})");
        }

        IRewardFunction combiner;
        if (root.Combiner == CombinerKind.Weighted)
        {
            var weights = names.ToDictionary(n => n, n => root.Weights.TryGetValue(n, out var w) ? w : registry.WeightOf(n) ?? 1.0, StringComparer.OrdinalIgnoreCase);
            combiner = new WeightedSumReward(weights);
        }
        else
        {
            var eq7 = OptionsAccess.Get<Eq7Options>(services, $"{path}:eq7");
            foreach (var component in eq7.Components.Where(c => !inPipeline.Contains(c)))
            {
                throw new RewardsConfigurationException(
                    $"{path}:combiner eq7 needs reward '{component}' in {path}:pipeline ({string.Join(", ", names)}); add it or use combiner: weighted");
            }
            var extra = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
            foreach (var n in names.Where(n => !eq7.Components.Contains(n, StringComparer.OrdinalIgnoreCase)))
            {
                double? w = root.Weights.TryGetValue(n, out var configured) ? configured : registry.WeightOf(n);
                if (w is { } weight)
                {
                    extra[n] = weight;
                }
            }
            foreach (var component in eq7.Components.Where(root.Weights.ContainsKey))
            {
                throw new RewardsConfigurationException(
                    $"{path}:weights:{component} cannot weigh an Eq. 7 component; set its coefficient in {path}:eq7");
            }
            combiner = new AudioThinkerTotal(eq7, extra);
        }
        return new RewardPipeline(rewards, combiner, OptionsAccess.Get<AdvantageOptions>(services, $"{path}:advantage"));
    }
}
