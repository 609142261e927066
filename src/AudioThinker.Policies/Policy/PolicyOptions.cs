namespace AudioThinker.Policies.Policy;

/// <summary>Settings of <see cref="Qwen2AudioPolicy"/>.</summary>
public sealed record PolicyOptions
{
    /// <summary>Folder that relative audio paths are taken from (null: the working directory).</summary>
    public string? AudioBaseDirectory { get; init; }

    /// <summary>Seed of the sampler used when <see cref="Abstractions.GenerationOptions.Seed"/> is null (null: random).</summary>
    public long? Seed { get; init; }

    /// <summary>Generate with the KV cache (default true).</summary>
    public bool UseKvCache { get; init; } = true;

    /// <summary>Threads for log-mel extraction of a batch (default 1).</summary>
    public int FeatureThreads { get; init; } = 1;

    /// <summary>A short name for <see cref="Qwen2AudioPolicy.Name"/> (default: architecture and size).</summary>
    public string? DisplayName { get; init; }
}
