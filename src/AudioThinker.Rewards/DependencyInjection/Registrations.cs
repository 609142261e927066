using AudioThinker.Abstractions;
using Microsoft.Extensions.Configuration;

namespace AudioThinker.Rewards.DependencyInjection;

/// <summary>A reward registered by name.</summary>
internal sealed record RewardRegistration(string Name, Func<IServiceProvider, IRewardFunction> Create, double? Weight, bool BuiltIn);

/// <summary>A judge registered by name in code (<c>AddJudge</c>).</summary>
internal sealed record JudgeRegistration(string Name, Func<IServiceProvider, IJudge> Create);

/// <summary>The configuration sections rewards and judges were added with, and their paths for messages.</summary>
internal sealed record RewardsSection(IConfiguration Section, string Path, IConfiguration Judges, string JudgesPath);
