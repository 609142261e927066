namespace AudioThinker.Rewards.Options;

/// <summary>
/// Coefficients and components of the paper's total reward (section <c>rewards:eq7</c>):
/// <c>R = a·R_a·(1 + c·R_c) + f·R_f + t·R_t</c>, with a = 1, c = 0.5, f = 0.5, t = 1 by default (Eq. 7).
/// </summary>
public sealed class Eq7Options
{
    /// <summary>The default section path, used in messages when options are given in code.</summary>
    public const string Section = "rewards:eq7";

    /// <summary>a, the weight of R_a. Default 1.</summary>
    public double AccuracyCoefficient { get; set; } = 1.0;

    /// <summary>c, how much consistency scales R_a. Default 0.5.</summary>
    public double ConsistencyCoefficient { get; set; } = 0.5;

    /// <summary>f, the weight of R_f. Default 0.5.</summary>
    public double FormatCoefficient { get; set; } = 0.5;

    /// <summary>t, the weight of R_t. Default 1.</summary>
    public double ThinkCoefficient { get; set; } = 1.0;

    /// <summary>The reward read as R_a. Default <c>atar</c>.</summary>
    public string AccuracyReward { get; set; } = RewardNames.Atar;

    /// <summary>The reward read as R_c. Default <c>consistency</c>.</summary>
    public string ConsistencyReward { get; set; } = RewardNames.Consistency;

    /// <summary>The reward read as R_f. Default <c>format</c>.</summary>
    public string FormatReward { get; set; } = RewardNames.Format;

    /// <summary>The reward read as R_t. Default <c>think</c>.</summary>
    public string ThinkReward { get; set; } = RewardNames.Think;

    /// <summary>The four component names, in the order R_a, R_c, R_f, R_t.</summary>
    public IReadOnlyList<string> Components => [AccuracyReward, ConsistencyReward, FormatReward, ThinkReward];

    internal List<string> Validate(string path)
    {
        var errors = new List<string>();
        OptionChecks.Finite(errors, path, "accuracyCoefficient", AccuracyCoefficient);
        OptionChecks.Finite(errors, path, "consistencyCoefficient", ConsistencyCoefficient);
        OptionChecks.Finite(errors, path, "formatCoefficient", FormatCoefficient);
        OptionChecks.Finite(errors, path, "thinkCoefficient", ThinkCoefficient);
        OptionChecks.NotBlank(errors, path, "accuracyReward", AccuracyReward);
        OptionChecks.NotBlank(errors, path, "consistencyReward", ConsistencyReward);
        OptionChecks.NotBlank(errors, path, "formatReward", FormatReward);
        OptionChecks.NotBlank(errors, path, "thinkReward", ThinkReward);
        if (Components.Distinct(StringComparer.OrdinalIgnoreCase).Count() != 4)
        {
            errors.Add($"{path}: accuracyReward, consistencyReward, formatReward and thinkReward must name four different rewards");
        }
        return errors;
    }
}
