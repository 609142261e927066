namespace AudioThinker.Rewards.Options;

/// <summary>Builds validation messages that name the configuration key and the rule it breaks.</summary>
internal static class OptionChecks
{
    public static void Finite(List<string> errors, string path, string key, double value)
    {
        if (!double.IsFinite(value))
        {
            errors.Add($"{path}:{key} must be finite (got {value})");
        }
    }

    public static void InRange(List<string> errors, string path, string key, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            errors.Add($"{path}:{key} must be in [{min}, {max}] (got {value})");
        }
    }

    public static void Positive(List<string> errors, string path, string key, double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            errors.Add($"{path}:{key} must be a finite number above 0 (got {value})");
        }
    }

    public static void AtLeast(List<string> errors, string path, string key, int value, int min)
    {
        if (value < min)
        {
            errors.Add($"{path}:{key} must be at least {min} (got {value})");
        }
    }

    public static void NotBlank(List<string> errors, string path, string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{path}:{key} must be set");
        }
    }
}
