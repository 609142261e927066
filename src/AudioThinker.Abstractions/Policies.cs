namespace AudioThinker.Abstractions;

/// <summary>How to sample.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most new tokens per completion. Default 256.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Softmax temperature; 0 means greedy. Default 1.0 (the paper's).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Nucleus sampling threshold; 1 disables it. Default 1.0.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Keep only the k most likely tokens; 0 disables it. Default 0.</summary>
    public int TopK { get; init; }

    /// <summary>Generation of a sequence stops once its text ends with one of these. Default: <c>&lt;/answer&gt;</c>.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = ["</answer>"];

    /// <summary>Seed for the sampler; null draws from the policy's generator.</summary>
    public long? Seed { get; init; }
}

/// <summary>One prompt: the chat turns and the audio they refer to.</summary>
/// <param name="System">The system turn (null for none).</param>
/// <param name="User">The user turn's text; the audio is placed before it.</param>
/// <param name="Audio">The audio, or null.</param>
public sealed record PolicyPrompt(string? System, string User, AudioReference? Audio);

/// <summary>A model that answers prompts.</summary>
public interface IPolicy
{
    /// <summary>A short description (architecture, size, device).</summary>
    string Name { get; }

    /// <summary>Generates one completion per prompt, batched.</summary>
    IReadOnlyList<Completion> Generate(IReadOnlyList<PolicyPrompt> prompts, GenerationOptions options, CancellationToken cancellationToken = default);
}

/// <summary>Turns questions into groups of rollouts: the first stage of every GRPO step.</summary>
public interface IRolloutSampler
{
    /// <summary>Samples <paramref name="groupSize"/> responses to each question.</summary>
    Task<IReadOnlyList<RolloutGroup>> SampleAsync(IReadOnlyList<AudioQuestion> questions, int groupSize, GenerationOptions options, CancellationToken cancellationToken = default);
}
