namespace AudioThinker.Policies.Loading;

/// <summary>A checkpoint's tensors do not match the model its config describes; the message lists every difference.</summary>
public sealed class CheckpointMismatchException : Exception
{
    private const int Shown = 25;

    /// <summary>Creates the exception from the differences found.</summary>
    public CheckpointMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> shapeMismatches)
        : base(Describe(source, missing, unexpected, shapeMismatches))
    {
        Missing = missing;
        Unexpected = unexpected;
        ShapeMismatches = shapeMismatches;
    }

    /// <summary>Model parameters the checkpoint lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Checkpoint tensors the model has no place for.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Keys present in both with different shapes, as "key: checkpoint [..] vs model [..]".</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }

    private static string Describe(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> shapes)
    {
        var parts = new List<string> { $"{source}: checkpoint does not match the model" };
        void Add(string title, IReadOnlyList<string> items)
        {
            if (items.Count == 0)
            {
                return;
            }
            var shown = string.Join("\n    ", items.Take(Shown));
            parts.Add($"  {title} ({items.Count}):\n    {shown}{(items.Count > Shown ? $"\n    ... and {items.Count - Shown} more" : "")}");
        }
        Add("missing keys", missing);
        Add("unexpected keys", unexpected);
        Add("shape mismatches", shapes);
        return string.Join("\n", parts);
    }
}
