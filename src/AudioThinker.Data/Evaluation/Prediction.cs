using AudioThinker.Abstractions;

namespace AudioThinker.Data.Evaluation;

/// <summary>A question and what a model answered (null when the record carries no response).</summary>
/// <param name="Question">The question, with its answer and labels.</param>
/// <param name="Response">The model's full response text, or null.</param>
public sealed record Prediction(AudioQuestion Question, string? Response);

/// <summary>One prediction after scoring.</summary>
/// <param name="Question">The question.</param>
/// <param name="Response">The full response ("" when there was none).</param>
/// <param name="Mode">Think, no-think or invalid, from the response parser.</param>
/// <param name="ScoredText">The text the official rule was applied to (the answer tag's content, or the whole response).</param>
/// <param name="Correct">Whether the official rule counts it right; null when the rule fails to read it (AIR-Bench), which leaves it out of the denominator.</param>
/// <param name="HadResponse">False when the record had no response field (MMAU/MMAR count those wrong).</param>
public sealed record ScoredPrediction(AudioQuestion Question, string Response, ResponseMode Mode, string ScoredText, bool? Correct, bool HadResponse)
{
    /// <summary>Length of the full response in whitespace-separated words.</summary>
    public int ResponseWords => Response.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
