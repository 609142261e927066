using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Text;

/// <summary>
/// Qwen3's attention (Hugging Face <c>Qwen3Attention</c>): an explicit head_dim, <c>attention_bias</c> on all four
/// projections (false in released models), and per-head RMSNorms <c>q_norm</c>/<c>k_norm</c> applied before RoPE.
/// </summary>
public sealed class Qwen3Attention : CausalSelfAttention
{
    [ComponentName(Name = "q_norm")]
    private RmsNorm _qNorm;
    [ComponentName(Name = "k_norm")]
    private RmsNorm _kNorm;

    /// <summary>Creates the attention of layer <paramref name="layerIndex"/>.</summary>
    public Qwen3Attention(DecoderConfig config, int layerIndex, ParameterFactory factory)
        : base(nameof(Qwen3Attention), config, layerIndex, qkvBias: config.AttentionBias, outputBias: config.AttentionBias, factory)
    {
        _qNorm = new RmsNorm(config.HeadDimension, config.RmsNormEps, factory);
        _kNorm = new RmsNorm(config.HeadDimension, config.RmsNormEps, factory);
        RegisterComponents();
    }

    /// <inheritdoc />
    protected override (Tensor Queries, Tensor Keys) NormalizeQueryKey(Tensor queries, Tensor keys) =>
        (_qNorm.forward(queries), _kNorm.forward(keys));
}
