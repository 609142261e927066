namespace AudioThinker.Rewards.Functions;

/// <summary>A reward that reads other rewards' scores from <c>RewardContext.Earlier</c>; the pipeline checks at construction
/// that they run before it, so a wrong order fails at start-up rather than at the first step.</summary>
public interface IDependentReward
{
    /// <summary>The rewards that must run earlier, by name.</summary>
    IReadOnlyList<string> Needs { get; }
}
