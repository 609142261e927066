namespace AudioThinker.Rewards.Pipeline;

/// <summary>A reward returned NaN or an infinity; the trainer stops or skips the step, naming the reward and the sample.</summary>
/// <param name="reward">The reward's name.</param>
/// <param name="group">The group index in the batch.</param>
/// <param name="rollout">The rollout index in the group.</param>
/// <param name="value">The value returned.</param>
/// <param name="message">The message.</param>
public sealed class NonFiniteRewardException(string reward, int group, int rollout, double value, string message) : InvalidOperationException(message)
{
    /// <summary>The reward's name.</summary>
    public string Reward { get; } = reward;

    /// <summary>The group index in the batch.</summary>
    public int Group { get; } = group;

    /// <summary>The rollout index within its group.</summary>
    public int Rollout { get; } = rollout;

    /// <summary>The value returned.</summary>
    public double Value { get; } = value;
}
