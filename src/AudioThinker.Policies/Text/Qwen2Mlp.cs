using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Lora;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Text;

/// <summary>The SwiGLU MLP of Qwen2 and Qwen3 (<c>down_proj(silu(gate_proj(x)) · up_proj(x))</c>, no biases).</summary>
public sealed class Qwen2Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private LoraLinear _gateProj;
    [ComponentName(Name = "up_proj")]
    private LoraLinear _upProj;
    [ComponentName(Name = "down_proj")]
    private LoraLinear _downProj;

    /// <summary>Creates the MLP.</summary>
    public Qwen2Mlp(DecoderConfig config, ParameterFactory factory) : base(nameof(Qwen2Mlp))
    {
        var std = config.InitializerRange;
        _gateProj = new LoraLinear(config.HiddenSize, config.IntermediateSize, false, std, factory);
        _upProj = new LoraLinear(config.HiddenSize, config.IntermediateSize, false, std, factory);
        _downProj = new LoraLinear(config.IntermediateSize, config.HiddenSize, false, std, factory);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var gated = nn.functional.silu(_gateProj.forward(input)) * _upProj.forward(input);
        return _downProj.forward(gated).MoveToOuterDisposeScope();
    }
}
