using static TorchSharp.torch;

namespace AudioThinker.Policies.Models;

/// <summary>
/// The audio clips of a batch, as Qwen2-Audio takes them: log-mel <c>input_features</c> [clips, mel_bins, frames]
/// and <c>feature_attention_mask</c> [clips, frames] (1 for frames of real audio). Clips are matched to the
/// <c>&lt;|AUDIO|&gt;</c> runs of the token ids in row-major order (row 0's first run is clip 0, and so on).
/// </summary>
/// <param name="InputFeatures">Log-mel features, float.</param>
/// <param name="FeatureAttentionMask">Frame mask, integer or bool.</param>
public sealed record AudioInput(Tensor InputFeatures, Tensor FeatureAttentionMask)
{
    /// <summary>Number of clips.</summary>
    public long Clips => InputFeatures.shape[0];
}
