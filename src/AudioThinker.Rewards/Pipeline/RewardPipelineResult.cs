using AudioThinker.Abstractions;

namespace AudioThinker.Rewards.Pipeline;

/// <summary>A scored batch.</summary>
/// <param name="Breakdowns">Per group, per rollout: each reward's value, the total and the advantage.</param>
/// <param name="Diagnostics">Batch statistics.</param>
public sealed record RewardPipelineResult(IReadOnlyList<IReadOnlyList<RewardBreakdown>> Breakdowns, RewardBatchDiagnostics Diagnostics)
{
    /// <summary>The advantages alone, per group, per rollout: what the GRPO loss multiplies.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Advantages =>
        Breakdowns.Select(g => (IReadOnlyList<double>)g.Select(b => b.Advantage).ToArray()).ToArray();
}
