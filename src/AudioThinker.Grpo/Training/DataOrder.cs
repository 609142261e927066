namespace AudioThinker.Grpo.Training;

/// <summary>
/// Which questions each step draws: epochs of seeded permutations, read in consecutive slices. A pure function of
/// (seed, step), so a resumed run draws exactly what an uninterrupted one would, with no state to save.
/// </summary>
public sealed class DataOrder(int count, int perStep, int seed)
{
    /// <summary>Indices of the questions for <paramref name="step"/>.</summary>
    public int[] At(int step)
    {
        var result = new int[perStep];
        for (var k = 0; k < perStep; k++)
        {
            var flat = (long)step * perStep + k;
            var epoch = (int)(flat / count);
            result[k] = Permutation(epoch)[(int)(flat % count)];
        }
        return result;
    }

    private readonly Dictionary<int, int[]> _permutations = [];

    private int[] Permutation(int epoch)
    {
        if (!_permutations.TryGetValue(epoch, out var p))
        {
            p = Enumerable.Range(0, count).ToArray();
            new Random((int)(Mix(seed, epoch, 0x5eed) & 0x7fffffff)).Shuffle(p);
            if (_permutations.Count > 4)
            {
                _permutations.Clear();
            }
            _permutations[epoch] = p;
        }
        return p;
    }

    /// <summary>A seed derived from the run's seed and a step, for the step's sampling.</summary>
    public static long StepSeed(int seed, int step, int salt = 0) => (long)(Mix(seed, step, salt) >> 1);

    // SplitMix64 over the three numbers: stable across processes and platforms (HashCode is randomised per process).
    private static ulong Mix(int a, int b, int c)
    {
        var z = ((ulong)(uint)a << 32 | (uint)b) + 0x9E3779B97F4A7C15UL * (ulong)(uint)(c + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
