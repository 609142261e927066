using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Lora;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Audio;

/// <summary>
/// One pre-LN encoder block (Hugging Face <c>Qwen2AudioEncoderLayer</c>, Whisper's): <c>x + self_attn(self_attn_layer_norm(x))</c>,
/// then <c>h + fc2(gelu(fc1(final_layer_norm(h))))</c> with exact (erf) GELU.
/// </summary>
public sealed class WhisperEncoderLayer : nn.Module
{
    [ComponentName(Name = "self_attn")]
    private AudioEncoderAttention _selfAttn;
    [ComponentName(Name = "self_attn_layer_norm")]
    private LayerNormalization _selfAttnLayerNorm;
    [ComponentName(Name = "fc1")]
    private LoraLinear _fc1;
    [ComponentName(Name = "fc2")]
    private LoraLinear _fc2;
    [ComponentName(Name = "final_layer_norm")]
    private LayerNormalization _finalLayerNorm;

    /// <summary>Creates the block.</summary>
    public WhisperEncoderLayer(int width, int heads, int ffn, double std, ParameterFactory factory) : base(nameof(WhisperEncoderLayer))
    {
        _selfAttn = new AudioEncoderAttention(width, heads, std, factory);
        _selfAttnLayerNorm = new LayerNormalization(width, factory);
        _fc1 = new LoraLinear(width, ffn, true, std, factory);
        _fc2 = new LoraLinear(ffn, width, true, std, factory);
        _finalLayerNorm = new LayerNormalization(width, factory);
        RegisterComponents();
    }

    /// <summary>Runs the block on [clips, positions, width].</summary>
    public Tensor Forward(Tensor hidden, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var attended = hidden + _selfAttn.Forward(_selfAttnLayerNorm.forward(hidden), mask);
        var output = attended + _fc2.forward(nn.functional.gelu(_fc1.forward(_finalLayerNorm.forward(attended))));
        return output.MoveToOuterDisposeScope();
    }
}
