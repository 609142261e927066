namespace AudioThinker.Abstractions;

/// <summary>What a judge is asked to assess.</summary>
public enum JudgeKind
{
    /// <summary>Does the reasoning support the final answer? 1 or 0.</summary>
    Consistency,
    /// <summary>How good is the reasoning, independent of the answer's correctness? 0 to 1 in steps of 0.1.</summary>
    ThinkQuality,
}

/// <summary>One thing to judge.</summary>
/// <param name="Kind">Consistency or think quality.</param>
/// <param name="Question">The question text.</param>
/// <param name="Choices">The options, if any.</param>
/// <param name="Reasoning">The response's thinking.</param>
/// <param name="Answer">The response's final answer.</param>
public sealed record JudgeRequest(JudgeKind Kind, string Question, IReadOnlyList<string> Choices, string Reasoning, string Answer)
{
    /// <summary>Ground-truth facts about the audio, when the dataset has them.</summary>
    public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>();
}

/// <summary>A judge's decision.</summary>
/// <param name="Score">The score in the kind's range (the fallback score when the output did not parse).</param>
/// <param name="Parsed">False when the judge's output was not in the strict format asked for.</param>
/// <param name="RawOutput">What the judge produced, for audit.</param>
public sealed record JudgeVerdict(double Score, bool Parsed, string RawOutput);

/// <summary>A judge: a remote LLM, an in-process model, or deterministic rules.</summary>
public interface IJudge
{
    /// <summary>The name the judge is registered under.</summary>
    string Name { get; }

    /// <summary>Judges many requests; the verdicts come back in request order.</summary>
    Task<IReadOnlyList<JudgeVerdict>> JudgeAsync(IReadOnlyList<JudgeRequest> requests, CancellationToken cancellationToken = default);
}
