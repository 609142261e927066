using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Layers;

/// <summary>
/// Root-mean-square norm (Hugging Face <c>Qwen2RMSNorm</c>): computed in float32 whatever the model dtype, then scaled
/// by <c>weight</c> after casting back, so bfloat16 models normalise as transformers does.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private Parameter _weight;
    private readonly double _eps;

    /// <summary>Creates a norm over the last dimension of width <paramref name="size"/>.</summary>
    public RmsNorm(long size, double eps, ParameterFactory factory) : base(nameof(RmsNorm))
    {
        _weight = factory.Ones([size]);
        _eps = eps;
        RegisterComponents();
    }

    /// <summary>The learned scale (<c>weight</c>).</summary>
    public Parameter Weight => _weight;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = input.to_type(ScalarType.Float32);
        var variance = x.pow(2).mean([-1], keepdim: true);
        x = x * (variance + _eps).rsqrt();
        return (_weight * x.to_type(input.dtype)).MoveToOuterDisposeScope();
    }
}
