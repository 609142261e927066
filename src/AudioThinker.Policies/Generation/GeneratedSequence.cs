namespace AudioThinker.Policies.Generation;

/// <summary>Why a sequence stopped.</summary>
public enum FinishReason
{
    /// <summary>An end-of-sequence token was sampled (and kept as the last token).</summary>
    EndOfSequence,
    /// <summary>The decoded completion came to contain a stop string.</summary>
    StopString,
    /// <summary>The token limit was reached.</summary>
    Length,
}

/// <summary>One row's generated continuation.</summary>
/// <param name="TokenIds">The new tokens (an EOS that ended the sequence included).</param>
/// <param name="LogProbs">The log-probability of each new token under softmax(logits / T).</param>
/// <param name="Reason">Why generation stopped.</param>
public sealed record GeneratedSequence(IReadOnlyList<int> TokenIds, IReadOnlyList<float> LogProbs, FinishReason Reason)
{
    /// <summary>True when the length limit, not EOS or a stop string, ended it.</summary>
    public bool Truncated => Reason == FinishReason.Length;
}
