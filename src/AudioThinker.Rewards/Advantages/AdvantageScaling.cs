namespace AudioThinker.Rewards.Advantages;

/// <summary>What divides <c>R − mean(group)</c>.</summary>
public enum AdvantageScaling
{
    /// <summary>The group's standard deviation plus ε (the paper's Eq. 8, GRPO as published).</summary>
    Group,

    /// <summary>The whole batch's standard deviation plus ε (TRL's <c>scale_rewards="batch"</c>).</summary>
    Batch,

    /// <summary>Nothing: the advantage is <c>R − mean(group)</c> (Dr. GRPO).</summary>
    None,
}
