using AudioThinker.Policies.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Training;

/// <summary>
/// Per-token log-probabilities of completions for policy-gradient training: the policy's (with gradients), the old
/// policy's or the reference's (under <c>torch.no_grad()</c>). The decoder runs once over prompt + completion; the
/// output head and the softmax run in chunks through <see cref="ChunkedTokenLogProb"/>, so batch × length × vocab
/// float32 is never materialised, in the forward or the backward.
/// </summary>
public static class TokenLogProbs
{
    /// <summary>Rows of hidden states per head chunk by default (256 × 152k float32 ≈ 156 MB).</summary>
    public const int DefaultChunkRows = 256;

    /// <summary>
    /// <c>log softmax(logits / T)</c> of each completion token: [batch, C] float32, 0 where
    /// <see cref="SequenceBatch.CompletionMask"/> is 0. Gradients flow to every trainable parameter.
    /// </summary>
    /// <param name="model">The policy.</param>
    /// <param name="batch">Packed prompts and completions.</param>
    /// <param name="audio">The prompts' audio clips, if any (only prompt placeholders take audio; completion tokens are plain).</param>
    /// <param name="temperature">The sampling temperature T the completions were drawn at (1 for the paper's setup).</param>
    /// <param name="chunkRows">Hidden-state rows per head chunk.</param>
    public static Tensor Compute(ICausalLanguageModel model, SequenceBatch batch, AudioInput? audio = null, double temperature = 1.0, int chunkRows = DefaultChunkRows)
    {
        using var scope = torch.NewDisposeScope();
        var p = batch.PromptLength;
        var c = batch.CompletionLength;
        var rows = batch.InputIds.shape[0];
        var embeds = torch.cat([model.Embed(batch.InputIds.narrow(1, 0, p), audio), model.EmbedTokens(batch.InputIds.narrow(1, p, c))], 1);
        var hidden = model.Decode(embeds, batch.AttentionMask, AttentionMasks.PositionIds(batch.AttentionMask));
        // The state at column t predicts the token at t + 1.
        var predicting = hidden.narrow(1, p - 1, c).reshape(rows * c, -1);
        var targets = batch.InputIds.narrow(1, p, c).reshape(rows * c);
        var logProbs = ChunkedTokenLogProb.Compute(predicting, model.OutputWeight, targets, temperature, chunkRows).view(rows, c);
        return (logProbs * batch.CompletionMask).MoveToOuterDisposeScope();
    }
}
