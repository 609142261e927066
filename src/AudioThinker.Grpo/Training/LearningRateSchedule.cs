namespace AudioThinker.Grpo.Training;

/// <summary>The learning-rate curve after warm-up.</summary>
public enum ScheduleKind
{
    /// <summary>Flat at the peak rate (the paper's and R1-AQA's choice).</summary>
    Constant,
    /// <summary>Linear decay to <c>MinRatio × peak</c> at the last step.</summary>
    Linear,
    /// <summary>Half-cosine decay to <c>MinRatio × peak</c> at the last step.</summary>
    Cosine,
}

/// <summary>Linear warm-up from 0 over <paramref name="WarmupSteps"/>, then the chosen decay.</summary>
/// <param name="Peak">The peak learning rate.</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="TotalSteps">All steps.</param>
/// <param name="Kind">The decay after warm-up.</param>
/// <param name="MinRatio">The final rate as a share of the peak.</param>
public sealed record LearningRateSchedule(double Peak, int WarmupSteps, int TotalSteps, ScheduleKind Kind, double MinRatio = 0.0)
{
    /// <summary>The rate for the optimizer step with index <paramref name="step"/> (from 0).</summary>
    public double At(int step)
    {
        if (WarmupSteps > 0 && step < WarmupSteps)
        {
            return Peak * (step + 1) / WarmupSteps;
        }
        var decaySteps = Math.Max(1, TotalSteps - WarmupSteps - 1);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        var floor = Peak * MinRatio;
        return Kind switch
        {
            ScheduleKind.Constant => Peak,
            ScheduleKind.Linear => floor + (Peak - floor) * (1 - progress),
            ScheduleKind.Cosine => floor + (Peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress)),
            _ => Peak,
        };
    }
}
