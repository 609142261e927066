using AudioThinker.Abstractions;
using AudioThinker.Policies.Prompts;

namespace AudioThinker.Policies.Policy;

/// <summary>
/// The default <see cref="IRolloutSampler"/>: each question asked with one prompt template, G completions sampled
/// from the policy in batches of at most <see cref="MaxBatchSize"/> prompts, each completion parsed into
/// think / no-think / invalid by the parser given.
/// </summary>
public sealed class PolicyRolloutSampler : IRolloutSampler
{
    private readonly IPolicy _policy;
    private readonly IResponseParser _parser;
    private readonly PromptTemplate _template;

    /// <summary>Creates the sampler.</summary>
    /// <param name="policy">The policy to sample from.</param>
    /// <param name="parser">Splits responses into thought and answer.</param>
    /// <param name="template">How questions are asked (default: the paper's adaptive-thinking prompt).</param>
    public PolicyRolloutSampler(IPolicy policy, IResponseParser parser, PromptTemplate? template = null)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _parser = parser ?? throw new ArgumentNullException(nameof(parser));
        _template = template ?? PromptTemplates.Adaptive;
    }

    /// <summary>Most prompts per generation call (default 16: the paper's 2 questions × 8 per GPU step).</summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <inheritdoc />
    public Task<IReadOnlyList<RolloutGroup>> SampleAsync(IReadOnlyList<AudioQuestion> questions, int groupSize, GenerationOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(questions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groupSize);
        if (MaxBatchSize <= 0)
        {
            throw new InvalidOperationException($"MaxBatchSize must be positive, got {MaxBatchSize}");
        }
        // One prompt object per question, repeated G times, so the policy featurizes each clip once.
        var prompts = questions.Select(q => PromptBuilder.ToPolicyPrompt(q, _template)).ToList();
        var flat = prompts.SelectMany(p => Enumerable.Repeat(p, groupSize)).ToList();
        var completions = new List<Completion>(flat.Count);
        for (int start = 0, chunk = 0; start < flat.Count; start += MaxBatchSize, chunk++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = flat.GetRange(start, Math.Min(MaxBatchSize, flat.Count - start));
            // A fixed seed still gives each chunk its own stream.
            var chunkOptions = options.Seed is { } seed ? options with { Seed = seed + chunk } : options;
            completions.AddRange(_policy.Generate(slice, chunkOptions, cancellationToken));
        }
        IReadOnlyList<RolloutGroup> groups = questions
            .Select((q, i) => new RolloutGroup(q, completions.Skip(i * groupSize).Take(groupSize).Select(c => Rollout.From(c, _parser)).ToList()))
            .ToList();
        return Task.FromResult(groups);
    }
}
