using AudioThinker.Abstractions;
using AudioThinker.Rewards.Functions;
using AudioThinker.Rewards.Judges;
using AudioThinker.Rewards.Options;
using AudioThinker.Rewards.Parsing;
using AudioThinker.Rewards.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AudioThinker.Rewards.DependencyInjection;

/// <summary>Registers the rewards, judges and the <see cref="RewardPipeline"/> in a service collection.</summary>
public static class RewardsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the built-in rewards (format, accuracy, atar, consistency, think), the judges configured under
    /// <c>judges</c> inside <paramref name="section"/> plus the rule-based judge <c>rule</c>, the response parser, and a singleton
    /// <see cref="RewardPipeline"/> built from <paramref name="section"/> (the <c>rewards</c> section; an empty one gives the
    /// paper's defaults). Configuration errors surface as <see cref="RewardsConfigurationException"/> when the pipeline is
    /// first resolved.
    /// </summary>
    public static IServiceCollection AddAudioThinkerRewards(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return services.AddAudioThinkerRewards(section, section.GetSection("judges"));
    }

    /// <summary>
    /// As <see cref="AddAudioThinkerRewards(IServiceCollection, IConfiguration)"/>, with the judges configured in their own
    /// section (an experiment file's top-level <c>judges</c>, a sibling of <c>rewards</c>).
    /// </summary>
    public static IServiceCollection AddAudioThinkerRewards(this IServiceCollection services, IConfiguration section, IConfiguration judges)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(judges);
        var path = section is IConfigurationSection s && !string.IsNullOrEmpty(s.Path) ? s.Path : RewardsOptions.Section;
        var judgesPath = judges is IConfigurationSection j && !string.IsNullOrEmpty(j.Path) ? j.Path : $"{path}:judges";
        services.AddOptions();
        services.TryAddSingleton(new RewardsSection(section, path, judges, judgesPath));

        // The root's keys are checked by the pipeline factory, which knows the registered rewards' names.
        AddSection<RewardsOptions>(services, section, path, (o, p) => o.Validate(p), checkKeys: false);
        AddSection<AccuracyOptions>(services, section.GetSection("accuracy"), $"{path}:accuracy", (o, p) => o.Validate(p));
        AddSection<AtarOptions>(services, section.GetSection("atar"), $"{path}:atar", (o, p) => o.Validate(p));
        AddSection<ConsistencyOptions>(services, section.GetSection("consistency"), $"{path}:consistency", (o, p) => o.Validate(p));
        AddSection<ThinkOptions>(services, section.GetSection("think"), $"{path}:think", (o, p) => o.Validate(p));
        AddSection<Eq7Options>(services, section.GetSection("eq7"), $"{path}:eq7", (o, p) => o.Validate(p));
        AddSection<AdvantageOptions>(services, section.GetSection("advantage"), $"{path}:advantage", (o, p) => o.Validate(p));
        foreach (var judge in judges.GetChildren())
        {
            var judgePath = $"{judgesPath}:{judge.Key}";
            switch (judge["type"]?.ToLowerInvariant())
            {
                case JudgeRegistry.RuleBasedType or "rule":
                    AddSection<RuleBasedJudgeOptions>(services, judge, judgePath, (o, p) => o.Validate(p), ["type"], name: judge.Key);
                    break;
                case JudgeRegistry.OpenAiType:
                    AddSection<OpenAiJudgeOptions>(services, judge, judgePath, (o, p) => o.Validate(p), ["type"], name: judge.Key);
                    break;
            }
        }

        services.TryAddSingleton<IResponseParser>(TaggedResponseParser.Instance);
        services.TryAddSingleton(sp => new JudgeRegistry(sp, sp.GetRequiredService<RewardsSection>(), sp.GetServices<JudgeRegistration>()));
        services.TryAddSingleton(sp => new RewardRegistry(sp.GetServices<RewardRegistration>(), sp));
        services.TryAddSingleton(RewardPipelineFactory.Create);

        AddBuiltIn(services, RewardNames.Format, _ => new FormatReward());
        AddBuiltIn(services, RewardNames.Accuracy, sp => new AccuracyReward(OptionsAccess.Get<AccuracyOptions>(sp, $"{path}:accuracy")));
        AddBuiltIn(services, RewardNames.Atar, sp => new AdaptiveThinkAccuracyReward(OptionsAccess.Get<AtarOptions>(sp, $"{path}:atar")));
        AddBuiltIn(services, RewardNames.Consistency, sp =>
        {
            var o = OptionsAccess.Get<ConsistencyOptions>(sp, $"{path}:consistency");
            return new ConsistencyReward(sp.GetRequiredService<JudgeRegistry>().Get(o.Judge, $"{path}:consistency:judge"), o);
        });
        AddBuiltIn(services, RewardNames.Think, sp =>
        {
            var o = OptionsAccess.Get<ThinkOptions>(sp, $"{path}:think");
            return new ThinkReward(sp.GetRequiredService<JudgeRegistry>().Get(o.Judge, $"{path}:think:judge"), o);
        });
        return services;
    }

    /// <summary>
    /// Registers a custom reward under <paramref name="name"/>, created with the container's services. Unless
    /// <c>rewards:pipeline</c> lists the order, it runs after the built-ins; it adds <c>weight·value</c> to the total when it has
    /// a weight, from <paramref name="weight"/> or from <c>rewards:weights:NAME</c> (which wins).
    /// </summary>
    public static IServiceCollection AddReward<T>(this IServiceCollection services, string name, double? weight = null)
        where T : class, IRewardFunction
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (weight is { } w && !double.IsFinite(w))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), w, $"the weight of reward '{name}' must be finite");
        }
        services.AddSingleton(new RewardRegistration(name, sp => ActivatorUtilities.CreateInstance<T>(sp), weight, BuiltIn: false));
        return services;
    }

    /// <summary>Registers a custom judge under <paramref name="name"/>, created with the container's services; rewards select it
    /// by that name (for example <c>rewards:think:judge</c>).</summary>
    public static IServiceCollection AddJudge<T>(this IServiceCollection services, string name)
        where T : class, IJudge
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton(new JudgeRegistration(name, sp => ActivatorUtilities.CreateInstance<T>(sp)));
        return services;
    }

    private static void AddBuiltIn(IServiceCollection services, string name, Func<IServiceProvider, IRewardFunction> create) =>
        services.AddSingleton(new RewardRegistration(name, create, null, BuiltIn: true));

    private static void AddSection<T>(IServiceCollection services, IConfiguration section, string path, Func<T, string, List<string>> rules,
        string[]? extraKeys = null, string? name = null, bool checkKeys = true)
        where T : class
    {
        var optionsName = name ?? Microsoft.Extensions.Options.Options.DefaultName;
        services.AddOptions<T>(optionsName).Configure(o => section.Bind(o));
        services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(
            optionsName, checkKeys ? section : new ConfigurationBuilder().Build(), path, rules, extraKeys ?? []));
    }
}
