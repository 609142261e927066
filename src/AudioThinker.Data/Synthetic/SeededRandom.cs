namespace AudioThinker.Data.Synthetic;

/// <summary>
/// SplitMix64: a small, fast generator whose output depends only on the seed and integer arithmetic, so a seed gives
/// the same stream on every machine and .NET version (System.Random's seeded algorithm is not promised to stay).
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for one item of a stream: the seed mixed with the item's coordinates, so items are independent of how many others are drawn.</summary>
    public static SeededRandom For(long seed, params long[] coordinates)
    {
        var state = Mix((ulong)seed);
        foreach (var c in coordinates)
        {
            state = Mix(state ^ Mix((ulong)c + 0x9E3779B97F4A7C15UL));
        }
        return new SeededRandom(state);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="count"/>).</summary>
    public int Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        // Rejection keeps it unbiased for every count.
        var limit = ulong.MaxValue - ulong.MaxValue % (ulong)count;
        ulong v;
        do
        {
            v = NextUInt64();
        }
        while (v >= limit);
        return (int)(v % (ulong)count);
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (both included).</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>One element of a list, uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
