namespace AudioThinker.Rewards.Options;

/// <summary>How the pipeline's rewards combine into the total.</summary>
public enum CombinerKind
{
    /// <summary>The paper's Eq. 7, plus any other reward given a weight.</summary>
    Eq7,

    /// <summary>TRL style: the weighted sum of the pipeline's rewards (weight 1 unless configured).</summary>
    Weighted,
}
