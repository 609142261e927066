namespace AudioThinker.Data.Evaluation;

/// <summary>The benchmarks whose files and official scoring rules AudioThinker knows.</summary>
public enum Benchmark
{
    /// <summary>MMAU test-mini: <c>string_match</c>; official groups task and difficulty.</summary>
    Mmau,
    /// <summary>MMAR: <c>string_match</c>; official groups modality, category and sub-category.</summary>
    Mmar,
    /// <summary>AIR-Bench foundation: letter rule, failures out of the denominator; official groups task_dataset.</summary>
    Air,
    /// <summary>AudioThinker's native JSONL (e.g. the synthetic set), scored with <c>string_match</c>.</summary>
    Native,
}

/// <summary>Names of <see cref="Benchmark"/> values as the CLI and reports write them.</summary>
public static class BenchmarkNames
{
    /// <summary>Parses "mmau", "mmar", "air" (or "air-bench") and "native", case-insensitively.</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static Benchmark Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "mmau" => Benchmark.Mmau,
        "mmar" => Benchmark.Mmar,
        "air" or "air-bench" or "airbench" => Benchmark.Air,
        "native" => Benchmark.Native,
        _ => throw new ArgumentException($"unknown benchmark '{name}': use mmau, mmar, air or native"),
    };

    /// <summary>The short name of a benchmark.</summary>
    public static string Name(Benchmark benchmark) => benchmark switch
    {
        Benchmark.Mmau => "mmau",
        Benchmark.Mmar => "mmar",
        Benchmark.Air => "air",
        _ => "native",
    };

    /// <summary>The field that holds the model's response in the benchmark's own predictions format.</summary>
    public static string ResponseField(Benchmark benchmark) => benchmark switch
    {
        Benchmark.Mmau => "model_output",
        Benchmark.Mmar => "answer_prediction",
        _ => "response",
    };
}
