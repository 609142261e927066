using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Models;

/// <summary>Boolean attention masks (true = may attend) in the [batch, 1, query, key] layout that
/// <c>scaled_dot_product_attention</c> broadcasts over heads.</summary>
public static class AttentionMasks
{
    /// <summary>
    /// Causal mask over keys <c>[0, keys)</c> for queries at absolute positions <c>[queryStart, queryStart + queries)</c>,
    /// also masking keys whose <paramref name="attentionMask"/> entry is 0 (left padding). Each query may always see
    /// itself, so a padding query's row is never fully masked: its output is garbage that nothing reads, but finite
    /// (a fully masked row would be NaN, and NaN × 0 still poisons later sums).
    /// </summary>
    /// <param name="attentionMask">[batch, keys], 1 for real tokens.</param>
    /// <param name="queryStart">Absolute position of the first query (the cache length before this step).</param>
    /// <param name="queries">Number of queries.</param>
    public static Tensor Causal(Tensor attentionMask, long queryStart, long queries)
    {
        using var scope = torch.NewDisposeScope();
        var keys = attentionMask.shape[1];
        if (queryStart + queries > keys)
        {
            throw new ArgumentException($"attention mask covers {keys} keys but queries reach position {queryStart + queries}");
        }
        var device = attentionMask.device;
        var keyPos = torch.arange(keys, ScalarType.Int64, device).view(1, 1, 1, keys);
        var queryPos = torch.arange(queryStart, queryStart + queries, ScalarType.Int64, device).view(1, 1, queries, 1);
        var valid = attentionMask.to_type(ScalarType.Bool).view(-1, 1, 1, keys);
        var allowed = keyPos.le(queryPos).logical_and(valid).logical_or(keyPos.eq(queryPos));
        return allowed.MoveToOuterDisposeScope();
    }

    /// <summary>A padding mask [batch, 1, 1, keys] that hides keys at or beyond each row's length (bidirectional attention).</summary>
    public static Tensor KeyPadding(Tensor lengths, long keys)
    {
        using var scope = torch.NewDisposeScope();
        var keyPos = torch.arange(keys, ScalarType.Int64, lengths.device).view(1, keys);
        var valid = keyPos.lt(lengths.to_type(ScalarType.Int64).view(-1, 1));
        return valid.view(-1, 1, 1, keys).MoveToOuterDisposeScope();
    }

    /// <summary>Hugging Face's default position ids for a left-padded batch: <c>max(cumsum(mask) − 1, 0)</c>.</summary>
    public static Tensor PositionIds(Tensor attentionMask)
    {
        using var scope = torch.NewDisposeScope();
        var positions = attentionMask.to_type(ScalarType.Int64).cumsum(1) - 1;
        return positions.clamp_min(0).MoveToOuterDisposeScope();
    }
}
