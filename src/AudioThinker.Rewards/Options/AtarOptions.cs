namespace AudioThinker.Rewards.Options;

/// <summary>
/// Options of the Adaptive Think Accuracy Reward (section <c>rewards:atar</c>). Each case's value is
/// <c>γ·base + (1 − γ)·penalized</c>, with γ the soft penalty factor of the response's mode: the defaults reproduce the
/// paper's Eq. 5 exactly (see docs/rewards.md).
/// </summary>
public sealed class AtarOptions
{
    /// <summary>The default section path, used in messages when options are given in code.</summary>
    public const string Section = "rewards:atar";

    /// <summary>Base value for a think response with the right answer. Default 1.</summary>
    public double ThinkCorrect { get; set; } = 1.0;

    /// <summary>Base value for a think response with a wrong answer. Default 0.</summary>
    public double ThinkWrong { get; set; }

    /// <summary>Base value for a no-think response with the right answer. Default 2.</summary>
    public double NoThinkCorrect { get; set; } = 2.0;

    /// <summary>Base value for a no-think response with a wrong answer. Default −1.</summary>
    public double NoThinkWrong { get; set; } = -1.0;

    /// <summary>Value of think &amp; right when fully penalised (γ = 0). Default 0.</summary>
    public double ThinkCorrectPenalized { get; set; }

    /// <summary>Value of think &amp; wrong when fully penalised (γ = 0). Default −1.</summary>
    public double ThinkWrongPenalized { get; set; } = -1.0;

    /// <summary>Value of no-think &amp; right when fully penalised (γ = 0). Default 0.</summary>
    public double NoThinkCorrectPenalized { get; set; }

    /// <summary>Value of no-think &amp; wrong when fully penalised (γ = 0). Default −2.</summary>
    public double NoThinkWrongPenalized { get; set; } = -2.0;

    /// <summary>Apply the soft penalty factors (the paper's ATAR); false gives the base values always (an ablation). Default true.</summary>
    public bool SoftPenalty { get; set; } = true;

    /// <summary>Value for an invalid-format response; default (null): the lowest of the four case values at the current step,
    /// so that breaking the format never pays better than a wrong answer.</summary>
    public double? Invalid { get; set; }

    /// <summary>The reward whose value (≥ 0.5 means right) says whether an answer is right. Default <c>accuracy</c>.</summary>
    public string AccuracyReward { get; set; } = RewardNames.Accuracy;

    internal List<string> Validate(string path)
    {
        var errors = new List<string>();
        OptionChecks.Finite(errors, path, "thinkCorrect", ThinkCorrect);
        OptionChecks.Finite(errors, path, "thinkWrong", ThinkWrong);
        OptionChecks.Finite(errors, path, "noThinkCorrect", NoThinkCorrect);
        OptionChecks.Finite(errors, path, "noThinkWrong", NoThinkWrong);
        OptionChecks.Finite(errors, path, "thinkCorrectPenalized", ThinkCorrectPenalized);
        OptionChecks.Finite(errors, path, "thinkWrongPenalized", ThinkWrongPenalized);
        OptionChecks.Finite(errors, path, "noThinkCorrectPenalized", NoThinkCorrectPenalized);
        OptionChecks.Finite(errors, path, "noThinkWrongPenalized", NoThinkWrongPenalized);
        if (Invalid is { } invalid)
        {
            OptionChecks.Finite(errors, path, "invalid", invalid);
        }
        OptionChecks.NotBlank(errors, path, "accuracyReward", AccuracyReward);
        return errors;
    }
}
