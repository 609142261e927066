using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Grpo.Training;

/// <summary>How per-token losses are reduced to one number.</summary>
public enum LossAggregation
{
    /// <summary>GRPO (DeepSeekMath): mean over each sequence's tokens, then over sequences.</summary>
    Grpo,
    /// <summary>DAPO: mean over all tokens of the batch (long responses weigh more).</summary>
    Dapo,
    /// <summary>Dr. GRPO: sum over tokens divided by a constant (batch size × max completion length): no length bias.</summary>
    DrGrpo,
}

/// <summary>The loss's settings.</summary>
/// <param name="EpsilonLow">Lower clip range: the ratio is kept ≥ 1 − ε_low.</param>
/// <param name="EpsilonHigh">Upper clip range: the ratio is kept ≤ 1 + ε_high.</param>
/// <param name="Beta">Weight of the k3 KL estimate to the reference policy; 0 disables it.</param>
/// <param name="Aggregation">How token losses are reduced.</param>
/// <param name="MaxCompletionLength">The constant length normaliser of <see cref="LossAggregation.DrGrpo"/>.</param>
public sealed record GrpoLossOptions(double EpsilonLow, double EpsilonHigh, double Beta, LossAggregation Aggregation, int MaxCompletionLength);

/// <summary>The loss and what it saw.</summary>
/// <param name="Loss">The scalar to back-propagate (keeps the graph).</param>
/// <param name="MeanKl">Mean k3 KL per token (0 when β = 0 or no reference).</param>
/// <param name="ClipRatio">Share of tokens whose ratio was clipped.</param>
/// <param name="TokenCount">Number of completion tokens in the mask.</param>
public sealed record GrpoLossResult(Tensor Loss, double MeanKl, double ClipRatio, long TokenCount);

/// <summary>
/// The GRPO objective per token t of completion i (DeepSeekMath eq. 3, with DAPO's asymmetric clip):
/// <c>−min(r·Â, clip(r, 1−ε_low, 1+ε_high)·Â) + β·KL_k3</c>, with <c>r = exp(logπ − logπ_old)</c> and
/// <c>KL_k3 = exp(logπ_ref − logπ) − (logπ_ref − logπ) − 1</c>.
/// </summary>
public static class GrpoLoss
{
    /// <summary>The weight w_i that each counted token of row i carries in the aggregated loss, <c>loss = Σ_i w_i Σ_t ℓ_it</c>,
    /// given how many tokens of each row count (0 for a row masked out).</summary>
    public static double[] TokenWeights(IReadOnlyList<int> countedTokens, LossAggregation aggregation, int maxCompletionLength)
    {
        var rows = countedTokens.Count;
        var total = countedTokens.Sum();
        return countedTokens.Select(n => n == 0 ? 0 : aggregation switch
        {
            LossAggregation.Grpo => 1.0 / (rows * (double)n),
            LossAggregation.Dapo => 1.0 / total,
            LossAggregation.DrGrpo => 1.0 / (rows * (double)Math.Max(1, maxCompletionLength)),
            _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "unknown aggregation"),
        }).ToArray();
    }

    /// <summary>Computes the loss.</summary>
    /// <param name="logProbs">Current policy log-probs of the completion tokens, [B, T], with grad.</param>
    /// <param name="oldLogProbs">The sampling policy's log-probs, [B, T] (no grad).</param>
    /// <param name="referenceLogProbs">The frozen reference's log-probs, [B, T], or null when β = 0.</param>
    /// <param name="advantages">One advantage per completion, [B].</param>
    /// <param name="mask">1 on completion tokens that count, 0 on padding (and masked truncated completions), [B, T].</param>
    /// <param name="options">Clip ranges, β and aggregation.</param>
    public static GrpoLossResult Compute(Tensor logProbs, Tensor oldLogProbs, Tensor? referenceLogProbs, Tensor advantages, Tensor mask, GrpoLossOptions options)
    {
        var m = mask.to_type(logProbs.dtype);
        var adv = advantages.to_type(logProbs.dtype).unsqueeze(1);
        var ratio = (logProbs - oldLogProbs.detach()).exp();
        var unclipped = ratio * adv;
        var clipped = ratio.clamp(1 - options.EpsilonLow, 1 + options.EpsilonHigh) * adv;
        var perToken = -torch.minimum(unclipped, clipped);

        double meanKl = 0;
        var tokens = m.sum();
        if (options.Beta > 0 && referenceLogProbs is not null)
        {
            var diff = referenceLogProbs.detach() - logProbs;
            var kl = diff.exp() - diff - 1;
            perToken = perToken + options.Beta * kl;
            using var klSum = (kl.detach() * m).sum();
            meanKl = klSum.item<float>() / Math.Max(1, tokens.item<float>());
        }

        Tensor loss = options.Aggregation switch
        {
            LossAggregation.Grpo => ((perToken * m).sum(1) / m.sum(1).clamp_min(1)).mean(),
            LossAggregation.Dapo => (perToken * m).sum() / tokens.clamp_min(1),
            LossAggregation.DrGrpo => (perToken * m).sum() / (logProbs.shape[0] * (double)Math.Max(1, options.MaxCompletionLength)),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Aggregation, "unknown aggregation"),
        };

        using var isClipped = ((ratio < 1 - options.EpsilonLow) & (adv < 0)) | ((ratio > 1 + options.EpsilonHigh) & (adv > 0));
        using var clippedCount = (isClipped.to_type(logProbs.dtype) * m).sum();
        var count = (long)tokens.item<float>();
        return new GrpoLossResult(loss, meanKl, count == 0 ? 0 : clippedCount.item<float>() / count, count);
    }
}
