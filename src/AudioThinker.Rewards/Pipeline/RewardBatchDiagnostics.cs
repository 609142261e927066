namespace AudioThinker.Rewards.Pipeline;

/// <summary>What a scored batch looked like: the numbers a trainer logs each step.</summary>
public sealed record RewardBatchDiagnostics
{
    /// <summary>Groups in the batch.</summary>
    public required int Groups { get; init; }

    /// <summary>Rollouts in the batch.</summary>
    public required int Rollouts { get; init; }

    /// <summary>Rollouts of the think form.</summary>
    public required int Think { get; init; }

    /// <summary>Rollouts of the no-think form.</summary>
    public required int NoThink { get; init; }

    /// <summary>Rollouts of neither form.</summary>
    public required int Invalid { get; init; }

    /// <summary>λ, the share of think rollouts (0 for an empty batch).</summary>
    public double ThinkShare => Rollouts == 0 ? 0 : (double)Think / Rollouts;

    /// <summary>Mean of each reward over the batch, by name, and of the total under <c>total</c>.</summary>
    public required IReadOnlyDictionary<string, double> Means { get; init; }

    /// <summary>Groups whose totals were all equal: they carry no gradient signal.</summary>
    public required int ZeroVarianceGroups { get; init; }

    /// <summary>Judge verdicts whose output did not parse (their fallback score was used), summed over the rewards.</summary>
    public required int UnparsedJudgeVerdicts { get; init; }

    /// <summary>Every counter the rewards reported, as <c>reward/counter</c> (for example <c>think/unparsed</c>, <c>atar/lambda</c>).</summary>
    public required IReadOnlyDictionary<string, double> Counters { get; init; }
}
