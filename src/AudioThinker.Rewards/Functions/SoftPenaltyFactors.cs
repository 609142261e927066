namespace AudioThinker.Rewards.Functions;

/// <summary>
/// ATAR's soft penalty factors: <c>γ_think = exp(−λ·(1 − step/T))</c> and <c>γ_no-think = exp(−(1 − λ)·(1 − step/T))</c>,
/// with λ the batch's share of think responses. The more the batch leans one way early in training, the more that way is
/// discounted; both factors reach 1 at the end of training.
/// </summary>
/// <param name="Think">γ_think.</param>
/// <param name="NoThink">γ_no-think.</param>
public readonly record struct SoftPenaltyFactors(double Think, double NoThink)
{
    /// <summary>No penalty: both factors 1.</summary>
    public static SoftPenaltyFactors None => new(1, 1);

    /// <summary>The factors for share <paramref name="lambda"/> of think responses at progress step/T.</summary>
    public static SoftPenaltyFactors Compute(double lambda, double progress)
    {
        if (!(lambda >= 0 && lambda <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ is a share and must be in [0, 1]");
        }
        if (!(progress >= 0 && progress <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(progress), progress, "step/T must be in [0, 1]");
        }
        double remaining = 1 - progress;
        return new SoftPenaltyFactors(Math.Exp(-lambda * remaining), Math.Exp(-(1 - lambda) * remaining));
    }
}
