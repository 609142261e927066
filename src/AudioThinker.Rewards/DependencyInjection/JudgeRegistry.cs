using System.Collections.Concurrent;
using AudioThinker.Abstractions;
using AudioThinker.Rewards.Judges;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;

namespace AudioThinker.Rewards.DependencyInjection;

/// <summary>
/// The judges of a container, by name: <c>rule</c> (the rule-based judge with default thresholds), every judge configured
/// under <c>judges:NAME</c> (<c>type: rule-based</c> or <c>type: openai</c>), and every judge added with <c>AddJudge</c>.
/// Each is created once, on first use; the registry disposes the ones it created.
/// </summary>
public sealed class JudgeRegistry : IDisposable
{
    /// <summary>The <c>type</c> of a configured rule-based judge.</summary>
    public const string RuleBasedType = "rule-based";

    /// <summary>The <c>type</c> of a configured OpenAI-compatible judge.</summary>
    public const string OpenAiType = "openai";

    private readonly Dictionary<string, Func<IJudge>> _factories = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<IJudge>> _instances = new(StringComparer.OrdinalIgnoreCase);

    internal JudgeRegistry(IServiceProvider services, RewardsSection rewards, IEnumerable<JudgeRegistration> registrations)
    {
        _factories[RuleBasedJudge.DefaultName] = () => new RuleBasedJudge();
        var judgesPath = rewards.JudgesPath;
        foreach (var child in rewards.Judges.GetChildren())
        {
            var name = child.Key;
            var path = $"{judgesPath}:{name}";
            var type = child["type"];
            if (type is null)
            {
                continue; // a section for a judge added in code: its own options
            }
            _factories[name] = type.ToLowerInvariant() switch
            {
                RuleBasedType or "rule" => () => new RuleBasedJudge(name, OptionsAccess.Get<RuleBasedJudgeOptions>(services, path, name)),
                OpenAiType => () => new OpenAiCompatibleJudge(
                    name, OptionsAccess.Get<OpenAiJudgeOptions>(services, path, name),
                    services.GetService<ILoggerFactory>()?.CreateLogger<OpenAiCompatibleJudge>(), section: path),
                _ => throw new RewardsConfigurationException($"{path}:type must be {RuleBasedType} or {OpenAiType} (got '{type}')"),
            };
        }
        foreach (var r in registrations)
        {
            _factories[r.Name] = () => r.Create(services);
        }
        foreach (var child in rewards.Judges.GetChildren())
        {
            if (!_factories.ContainsKey(child.Key))
            {
                throw new RewardsConfigurationException(
                    $"{judgesPath}:{child.Key}:type must be {RuleBasedType} or {OpenAiType}, or the judge must be added in code with AddJudge");
            }
        }
    }

    /// <summary>Every judge name known.</summary>
    public IReadOnlyList<string> Names => _factories.Keys.ToArray();

    /// <summary>The judge named <paramref name="name"/>.</summary>
    /// <param name="name">The registered name.</param>
    /// <param name="key">The configuration key that named it, for messages.</param>
    public IJudge Get(string name, string key = "rewards:judges")
    {
        if (!_factories.TryGetValue(name, out var factory))
        {
            throw new RewardsConfigurationException($"{key} names judge '{name}', which is not registered (registered: {string.Join(", ", Names)})");
        }
        return _instances.GetOrAdd(name, _ => new Lazy<IJudge>(() =>
        {
            var judge = factory();
            if (!string.Equals(judge.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                throw new RewardsConfigurationException($"judge registered as '{name}' ({judge.GetType().Name}) reports the name '{judge.Name}'; they must agree");
            }
            return judge;
        })).Value;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var lazy in _instances.Values)
        {
            if (lazy.IsValueCreated && lazy.Value is IDisposable d)
            {
                d.Dispose();
            }
        }
    }
}
