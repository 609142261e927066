using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Models;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Text;

/// <summary>
/// One pre-norm decoder block of Qwen2/Qwen3 (<c>x + self_attn(input_layernorm(x))</c>, then
/// <c>h + mlp(post_attention_layernorm(h))</c>); the attention class follows the config's model type.
/// </summary>
public sealed class Qwen2DecoderLayer : nn.Module
{
    [ComponentName(Name = "self_attn")]
    private CausalSelfAttention _selfAttn;
    [ComponentName(Name = "mlp")]
    private Qwen2Mlp _mlp;
    [ComponentName(Name = "input_layernorm")]
    private RmsNorm _inputLayernorm;
    [ComponentName(Name = "post_attention_layernorm")]
    private RmsNorm _postAttentionLayernorm;

    /// <summary>Creates layer <paramref name="layerIndex"/>.</summary>
    public Qwen2DecoderLayer(DecoderConfig config, int layerIndex, ParameterFactory factory) : base(nameof(Qwen2DecoderLayer))
    {
        _selfAttn = config.UsesQkNorm
            ? new Qwen3Attention(config, layerIndex, factory)
            : new Qwen2Attention(config, layerIndex, factory);
        _mlp = new Qwen2Mlp(config, factory);
        _inputLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, factory);
        _postAttentionLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, factory);
        RegisterComponents();
    }

    /// <summary>The attention block.</summary>
    public CausalSelfAttention SelfAttention => _selfAttn;

    /// <summary>Runs the block on the residual stream [batch, seq, hidden].</summary>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor mask, KvCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        var attended = hidden + _selfAttn.Forward(_inputLayernorm.forward(hidden), cos, sin, mask, cache);
        var output = attended + _mlp.forward(_postAttentionLayernorm.forward(attended));
        return output.MoveToOuterDisposeScope();
    }
}
