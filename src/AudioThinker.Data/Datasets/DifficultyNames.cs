using AudioThinker.Abstractions;

namespace AudioThinker.Data.Datasets;

/// <summary>The text form of <see cref="Difficulty"/> in dataset files: "easy", "medium", "hard" (case-insensitive).</summary>
public static class DifficultyNames
{
    /// <summary>Parses a label; null or empty is <see cref="Difficulty.Unknown"/>.</summary>
    /// <exception cref="FormatException">The label is something else.</exception>
    public static Difficulty Parse(string? label) => label?.Trim().ToLowerInvariant() switch
    {
        null or "" or "unknown" => Difficulty.Unknown,
        "easy" => Difficulty.Easy,
        "medium" => Difficulty.Medium,
        "hard" => Difficulty.Hard,
        _ => throw new FormatException($"difficulty '{label}' is not one of easy, medium, hard"),
    };

    /// <summary>The label of a difficulty ("unknown" for <see cref="Difficulty.Unknown"/>).</summary>
    public static string Name(Difficulty difficulty) => difficulty switch
    {
        Difficulty.Easy => "easy",
        Difficulty.Medium => "medium",
        Difficulty.Hard => "hard",
        _ => "unknown",
    };

    /// <summary>Reads an optional difficulty field of a record.</summary>
    public static Difficulty Read(JsonRecord record, string field)
    {
        try
        {
            return Parse(record.OptionalString(field));
        }
        catch (FormatException e)
        {
            throw record.Fault(field, e.Message);
        }
    }
}
