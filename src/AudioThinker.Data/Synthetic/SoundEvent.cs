namespace AudioThinker.Data.Synthetic;

/// <summary>What kind of sound an event is.</summary>
public enum SoundKind
{
    /// <summary>A pure tone: one narrow line in the spectrogram.</summary>
    Beep,
    /// <summary>A white noise burst: energy across every mel bin. Never counted as a beep.</summary>
    Noise,
}

/// <summary>One sound in a synthetic clip.</summary>
/// <param name="Kind">Beep or noise burst.</param>
/// <param name="High">For a beep: high (true) or low (false) pitch; false for noise.</param>
/// <param name="Loud">Loud (true) or quiet (false).</param>
/// <param name="StartSeconds">Onset in seconds from the clip start.</param>
/// <param name="DurationSeconds">Duration in seconds.</param>
public sealed record SoundEvent(SoundKind Kind, bool High, bool Loud, double StartSeconds, double DurationSeconds)
{
    /// <summary>"high" or "low" for a beep.</summary>
    public string Pitch => High ? "high" : "low";

    /// <summary>"loud" or "quiet".</summary>
    public string Loudness => Loud ? "loud" : "quiet";
}

/// <summary>A synthetic clip's content: its events in time order.</summary>
/// <param name="Events">The events, sorted by onset, not overlapping.</param>
public sealed record Scene(IReadOnlyList<SoundEvent> Events)
{
    /// <summary>The beeps in time order (noise bursts left out).</summary>
    public IReadOnlyList<SoundEvent> Beeps { get; } = Events.Where(e => e.Kind == SoundKind.Beep).ToList();

    /// <summary>Number of noise bursts.</summary>
    public int NoiseBursts => Events.Count(e => e.Kind == SoundKind.Noise);
}
