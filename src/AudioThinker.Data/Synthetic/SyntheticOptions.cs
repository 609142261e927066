using AudioThinker.Abstractions;
using AudioThinker.Data.Datasets;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AudioThinker.Data.Synthetic;

/// <summary>How many questions of each level to make.</summary>
public sealed class LevelCounts
{
    /// <summary>Easy questions (one fact read off the audio).</summary>
    public int Easy { get; set; } = 100;

    /// <summary>Medium questions (two facts, or one count).</summary>
    public int Medium { get; set; } = 100;

    /// <summary>Hard questions (several facts combined).</summary>
    public int Hard { get; set; } = 100;
}

/// <summary>
/// Settings of the synthetic difficulty-graded dataset (<see cref="SyntheticGenerator"/>). Settable properties so
/// that YAML/JSON files (snake_case keys, see <see cref="Load"/>) and configuration binders can fill them.
/// </summary>
public sealed class SyntheticOptions
{
    /// <summary>The seed: the same seed and settings give the same bytes.</summary>
    public long Seed { get; set; } = 1;

    /// <summary>Clip length in seconds (short clips keep the tiny model's audio token count low). Default 3.</summary>
    public double ClipSeconds { get; set; } = 3.0;

    /// <summary>Sample rate of the clips in Hz. Default 16000.</summary>
    public int SampleRate { get; set; } = 16000;

    /// <summary>Questions per level.</summary>
    public LevelCounts Counts { get; set; } = new();

    /// <summary>Fewest beeps in a clip. Default 1.</summary>
    public int MinBeeps { get; set; } = 1;

    /// <summary>Most beeps in a clip. Default 5.</summary>
    public int MaxBeeps { get; set; } = 5;

    /// <summary>Chance that a clip also holds one noise burst (a distractor that is never a beep). Default 0.3.</summary>
    public double NoiseBurstProbability { get; set; } = 0.3;

    /// <summary>Frequency of a high beep in Hz. Default 1800 (about 41 of 80 mel bins up).</summary>
    public double HighHz { get; set; } = 1800;

    /// <summary>Frequency of a low beep in Hz. Default 450 (about 13 of 80 mel bins up).</summary>
    public double LowHz { get; set; } = 450;

    /// <summary>Peak amplitude of a loud event. Default 0.5.</summary>
    public double LoudAmplitude { get; set; } = 0.5;

    /// <summary>Peak amplitude of a quiet event. Default 0.05 (20 dB below loud).</summary>
    public double QuietAmplitude { get; set; } = 0.05;

    /// <summary>Amplitude of the background noise under everything (so no frame is digital silence). Default 0.002.</summary>
    public double NoiseFloor { get; set; } = 0.002;

    /// <summary>Shortest event in seconds. Default 0.12.</summary>
    public double MinEventSeconds { get; set; } = 0.12;

    /// <summary>Longest event in seconds. Default 0.22.</summary>
    public double MaxEventSeconds { get; set; } = 0.22;

    /// <summary>Shortest silence between two events in seconds. Default 0.08.</summary>
    public double MinGapSeconds { get; set; } = 0.08;

    /// <summary>Question templates to use (names from <see cref="QuestionTemplates"/>); empty uses the default set (every template but the extra hard ones, see <see cref="QuestionTemplate.InDefaultSet"/>).</summary>
    public List<string> Templates { get; set; } = [];

    /// <summary>Silence kept at each end of a clip, in seconds.</summary>
    public const double EdgeSeconds = 0.05;

    /// <summary>The most events a clip can hold: <see cref="MaxBeeps"/> plus a noise burst when they are enabled.</summary>
    public int MaxEvents => MaxBeeps + (NoiseBurstProbability > 0 ? 1 : 0);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first key (snake_case, as in the file) whose value is out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string key, string rule)
        {
            if (!ok)
            {
                throw new ArgumentException($"{key}: {rule}");
            }
        }
        Check(Counts is not null, "counts", "is required");
        Check(Counts!.Easy >= 0 && Counts.Medium >= 0 && Counts.Hard >= 0, "counts", $"must not be negative (easy {Counts.Easy}, medium {Counts.Medium}, hard {Counts.Hard})");
        Check(Counts.Easy + Counts.Medium + Counts.Hard > 0, "counts", "ask for no question at all");
        Check(SampleRate is >= 8000 and <= 192000, "sample_rate", $"must be in [8000, 192000], got {SampleRate}");
        Check(double.IsFinite(ClipSeconds) && ClipSeconds > 0, "clip_seconds", $"must be positive, got {ClipSeconds}");
        Check(MinBeeps >= 1, "min_beeps", $"must be at least 1, got {MinBeeps}");
        Check(MaxBeeps >= MinBeeps && MaxBeeps <= 9, "max_beeps", $"must be in [min_beeps, 9], got {MaxBeeps}");
        Check(NoiseBurstProbability is >= 0 and <= 1, "noise_burst_probability", $"must be in [0, 1], got {NoiseBurstProbability}");
        var nyquist = SampleRate / 2.0;
        Check(LowHz > 20 && LowHz < HighHz, "low_hz", $"must be above 20 Hz and below high_hz ({HighHz}), got {LowHz}");
        Check(HighHz < nyquist * 0.9, "high_hz", $"must be below 90% of the Nyquist rate ({nyquist * 0.9} Hz), got {HighHz}");
        Check(LoudAmplitude is > 0 and <= 1, "loud_amplitude", $"must be in (0, 1], got {LoudAmplitude}");
        Check(QuietAmplitude > 0 && QuietAmplitude < LoudAmplitude, "quiet_amplitude", $"must be positive and below loud_amplitude ({LoudAmplitude}), got {QuietAmplitude}");
        Check(NoiseFloor >= 0 && NoiseFloor < QuietAmplitude / 4, "noise_floor", $"must be in [0, quiet_amplitude / 4), got {NoiseFloor}");
        Check(MinEventSeconds >= 0.04 && MaxEventSeconds >= MinEventSeconds, "min_event_seconds", $"must be at least 0.04 and at most max_event_seconds, got {MinEventSeconds} and {MaxEventSeconds}");
        Check(MinGapSeconds >= 0.03, "min_gap_seconds", $"must be at least 0.03 (events must stay apart in the spectrogram), got {MinGapSeconds}");
        var needed = 2 * EdgeSeconds + MaxEvents * MaxEventSeconds + (MaxEvents - 1) * MinGapSeconds;
        Check(ClipSeconds >= needed, "clip_seconds",
            $"{ClipSeconds.ToString(CultureInfo.InvariantCulture)} s cannot hold {MaxEvents} events of up to {MaxEventSeconds} s with {MinGapSeconds} s gaps; need at least {needed.ToString("0.###", CultureInfo.InvariantCulture)} s (or lower max_beeps)");
        foreach (var name in Templates)
        {
            Check(QuestionTemplates.All.Any(t => t.Name == name), "templates", $"unknown template '{name}'; known: {string.Join(", ", QuestionTemplates.All.Select(t => t.Name))}");
        }
        foreach (var (level, count) in new[] { (Difficulty.Easy, Counts.Easy), (Difficulty.Medium, Counts.Medium), (Difficulty.Hard, Counts.Hard) })
        {
            Check(count == 0 || TemplatesFor(level).Count > 0, "templates",
                $"none of the chosen templates ({string.Join(", ", Templates)}) is {DifficultyNames.Name(level)}, but {count} {DifficultyNames.Name(level)} questions are asked for");
        }
    }

    /// <summary>The templates in use for a level: those named in <see cref="Templates"/>, or the default set when it is empty.</summary>
    public IReadOnlyList<QuestionTemplate> TemplatesFor(Difficulty level) =>
        QuestionTemplates.All.Where(t => t.Level == level && (Templates.Count == 0 ? t.InDefaultSet : Templates.Contains(t.Name))).ToList();

    /// <summary>Reads options from a YAML or JSON file with snake_case keys (e.g. <c>clip_seconds: 2.5</c>, <c>counts: {easy: 200}</c>); absent keys keep their defaults.</summary>
    /// <exception cref="DataFileException">The file is missing, not YAML/JSON, or has an unknown key or a value of the wrong type; the message gives the line.</exception>
    public static SyntheticOptions Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot read: {e.Message}", e);
        }
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        try
        {
            return deserializer.Deserialize<SyntheticOptions?>(text) ?? new SyntheticOptions();
        }
        catch (YamlException e)
        {
            var reason = e.InnerException is { } inner ? inner.Message : e.Message;
            throw new DataFileException($"{path}:{e.Start.Line}", reason, e);
        }
    }
}
