namespace AudioThinker.Data.Synthetic;

/// <summary>
/// Draws random scenes: a number of beeps, each high or low and loud or quiet with even odds, maybe one noise burst
/// at a random place among them, and a timing in which every event fits the clip with at least the minimum gap.
/// </summary>
public static class SceneSampler
{
    /// <summary>Draws the event list (kinds and attributes) without timing.</summary>
    public static IReadOnlyList<(SoundKind Kind, bool High, bool Loud)> DrawContent(SyntheticOptions options, SeededRandom rng)
    {
        var beeps = rng.Between(options.MinBeeps, options.MaxBeeps);
        var events = new List<(SoundKind, bool, bool)>();
        for (var i = 0; i < beeps; i++)
        {
            events.Add((SoundKind.Beep, rng.Chance(0.5), rng.Chance(0.5)));
        }
        if (rng.Chance(options.NoiseBurstProbability))
        {
            events.Insert(rng.Next(events.Count + 1), (SoundKind.Noise, false, rng.Chance(0.5)));
        }
        return events;
    }

    /// <summary>Places the events in time: random durations, the spare time split at random between the gaps.</summary>
    public static Scene Place(IReadOnlyList<(SoundKind Kind, bool High, bool Loud)> content, SyntheticOptions options, SeededRandom rng)
    {
        var n = content.Count;
        var durations = content.Select(_ => rng.Uniform(options.MinEventSeconds, options.MaxEventSeconds)).ToArray();
        var usable = options.ClipSeconds - 2 * SyntheticOptions.EdgeSeconds;
        var spare = usable - durations.Sum() - (n - 1) * options.MinGapSeconds;
        // n + 1 slots (before, between, after); Validate guarantees spare ≥ 0 for the longest events.
        var weights = Enumerable.Range(0, n + 1).Select(_ => 0.2 + rng.NextDouble()).ToArray();
        var total = weights.Sum();
        var t = SyntheticOptions.EdgeSeconds + Math.Max(0, spare) * weights[0] / total;
        var events = new List<SoundEvent>(n);
        for (var i = 0; i < n; i++)
        {
            events.Add(new SoundEvent(content[i].Kind, content[i].High, content[i].Loud, t, durations[i]));
            t += durations[i] + options.MinGapSeconds + Math.Max(0, spare) * weights[i + 1] / total;
        }
        return new Scene(events);
    }
}
