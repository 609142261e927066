using System.Collections.Concurrent;
using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.DependencyInjection;

/// <summary>The rewards registered in a container, resolved by name (each created once).</summary>
public sealed class RewardRegistry
{
    private readonly Dictionary<string, RewardRegistration> _registrations;
    private readonly IServiceProvider _services;
    private readonly ConcurrentDictionary<string, Lazy<IRewardFunction>> _instances = new(StringComparer.OrdinalIgnoreCase);

    internal RewardRegistry(IEnumerable<RewardRegistration> registrations, IServiceProvider services)
    {
        _registrations = new(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var r in registrations)
        {
            // A later registration of the same name replaces an earlier one (a user may replace a built-in).
            if (!_registrations.ContainsKey(r.Name))
            {
                order.Add(r.Name);
            }
            _registrations[r.Name] = r;
        }
        Names = order;
        _services = services;
    }

    /// <summary>Registered names, in registration order (built-ins first).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Names registered with <c>AddReward</c> that are not built-in, in registration order.</summary>
    public IReadOnlyList<string> CustomNames => Names.Where(n => !_registrations[n].BuiltIn).ToArray();

    /// <summary>True when <paramref name="name"/> is registered.</summary>
    public bool Contains(string name) => _registrations.ContainsKey(name);

    /// <summary>The weight a reward was registered with, if any.</summary>
    public double? WeightOf(string name) => _registrations.TryGetValue(name, out var r) ? r.Weight : null;

    /// <summary>The reward registered as <paramref name="name"/>.</summary>
    /// <param name="name">The registered name.</param>
    /// <param name="key">The configuration key that named it, for messages.</param>
    public IRewardFunction Get(string name, string key = "rewards:pipeline")
    {
        if (!_registrations.TryGetValue(name, out var registration))
        {
            throw new RewardsConfigurationException($"{key} names '{name}', which is not a registered reward (registered: {string.Join(", ", Names)})");
        }
        return _instances.GetOrAdd(registration.Name, _ => new Lazy<IRewardFunction>(() =>
        {
            var reward = registration.Create(_services);
            if (!string.Equals(reward.Name, registration.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw new RewardsConfigurationException(
                    $"reward registered as '{registration.Name}' ({reward.GetType().Name}) reports the name '{reward.Name}'; they must agree");
            }
            return reward;
        })).Value;
    }
}
