namespace AudioThinker.Abstractions;

/// <summary>How hard a question is: the number of reasoning steps it needs (synthetic data) or a benchmark's label.</summary>
public enum Difficulty
{
    /// <summary>No difficulty label.</summary>
    Unknown = 0,
    /// <summary>One fact read off the audio.</summary>
    Easy = 1,
    /// <summary>A few facts, one combination.</summary>
    Medium = 2,
    /// <summary>Several facts combined.</summary>
    Hard = 3,
}

/// <summary>
/// Where a question's audio comes from: a file on disk, or samples already decoded (mono, at <see cref="SampleRate"/>).
/// Exactly one of <see cref="Path"/> and <see cref="Samples"/> is set.
/// </summary>
public sealed record AudioReference
{
    /// <summary>Creates a reference to an audio file.</summary>
    public AudioReference(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>Creates a reference to decoded mono samples.</summary>
    public AudioReference(float[] samples, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        Samples = samples;
        SampleRate = sampleRate;
    }

    /// <summary>The audio file, absolute or relative to the dataset file that named it.</summary>
    public string? Path { get; }

    /// <summary>Decoded mono samples in [-1, 1].</summary>
    public float[]? Samples { get; }

    /// <summary>Sample rate of <see cref="Samples"/> in Hz; 0 for a file reference.</summary>
    public int SampleRate { get; }

    /// <inheritdoc />
    public override string ToString() => Path ?? $"<{Samples!.Length} samples @ {SampleRate} Hz>";
}

/// <summary>One audio question: what the policy is asked, what counts as right, and what the judge may check against.</summary>
/// <param name="Id">Stable identifier, unique within its dataset.</param>
/// <param name="Audio">The audio the question is about (null for text-only questions).</param>
/// <param name="Question">The question text, without the option list.</param>
/// <param name="Choices">The options of a multiple-choice question, in order (empty for open questions).</param>
/// <param name="Answer">The right answer: the text of the right choice.</param>
public sealed record AudioQuestion(string Id, AudioReference? Audio, string Question, IReadOnlyList<string> Choices, string Answer)
{
    /// <summary>Difficulty label, if known.</summary>
    public Difficulty Difficulty { get; init; }

    /// <summary>Task family (MMAU: sound, music, speech; synthetic: the generator's task name).</summary>
    public string? Task { get; init; }

    /// <summary>Category within the task.</summary>
    public string? Category { get; init; }

    /// <summary>Sub-category within the category.</summary>
    public string? SubCategory { get; init; }

    /// <summary>Ground-truth facts about the audio (name → value), for judges that check reasoning against them.</summary>
    public IReadOnlyDictionary<string, string> Facts { get; init; } = EmptyFacts;

    /// <summary>A correct reasoning chain for supervised warm-up, when the dataset has one.</summary>
    public string? ReferenceReasoning { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyFacts = new Dictionary<string, string>();
}
