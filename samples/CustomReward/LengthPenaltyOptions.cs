namespace CustomReward;

/// <summary>Options of <see cref="LengthPenaltyReward"/>, bound from the experiment's <c>rewards:length_penalty</c> section.</summary>
public sealed class LengthPenaltyOptions
{
    /// <summary>The configuration section, under the experiment file's root.</summary>
    public const string Section = "rewards:" + LengthPenaltyReward.RewardName;

    /// <summary>Words a response may use before it is penalised. Default 40.</summary>
    public int MaxWords { get; set; } = 40;

    /// <summary>Throws when a value breaks its rule, naming the key.</summary>
    public void Validate()
    {
        if (MaxWords < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWords), MaxWords, $"{Section}:maxWords must be at least 1 (got {MaxWords})");
        }
    }
}
