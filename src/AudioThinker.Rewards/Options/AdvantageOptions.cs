using AudioThinker.Rewards.Advantages;

namespace AudioThinker.Rewards.Options;

/// <summary>How totals become advantages (section <c>rewards:advantage</c>): <c>(R − mean_group)/(std + ε)</c> (Eq. 8).</summary>
public sealed class AdvantageOptions
{
    /// <summary>The default section path, used in messages when options are given in code.</summary>
    public const string Section = "rewards:advantage";

    /// <summary>Whose standard deviation divides: the group's (Eq. 8), the batch's, or none. Default group.</summary>
    public AdvantageScaling Scaling { get; set; } = AdvantageScaling.Group;

    /// <summary>ε added to the standard deviation. Default 1e-4 (R1-AQA's and TRL's).</summary>
    public double Epsilon { get; set; } = 1e-4;

    /// <summary>Use the sample standard deviation (divide by n − 1, as torch.std and TRL do); false divides by n. Default true.</summary>
    public bool UnbiasedStd { get; set; } = true;

    internal List<string> Validate(string path)
    {
        var errors = new List<string>();
        if (!(Epsilon >= 0) || !double.IsFinite(Epsilon))
        {
            errors.Add($"{path}:epsilon must be a finite number at least 0 (got {Epsilon})");
        }
        if (!Enum.IsDefined(Scaling))
        {
            errors.Add($"{path}:scaling must be group, batch or none (got {Scaling})");
        }
        return errors;
    }
}
