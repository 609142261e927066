using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;

namespace AudioThinker.Policies.Text;

/// <summary>Qwen2's attention (Hugging Face <c>Qwen2Attention</c>): bias on q/k/v, none on o.</summary>
public sealed class Qwen2Attention : CausalSelfAttention
{
    /// <summary>Creates the attention of layer <paramref name="layerIndex"/>.</summary>
    public Qwen2Attention(DecoderConfig config, int layerIndex, ParameterFactory factory)
        : base(nameof(Qwen2Attention), config, layerIndex, qkvBias: true, outputBias: false, factory)
    {
        RegisterComponents();
    }
}
