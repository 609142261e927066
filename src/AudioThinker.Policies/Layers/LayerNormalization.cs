using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Layers;

/// <summary>Layer norm with learned scale and shift (PyTorch <c>nn.LayerNorm</c>, eps 1e-5), keys <c>weight</c> and <c>bias</c>.</summary>
public sealed class LayerNormalization : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private Parameter _weight;
    [ComponentName(Name = "bias")]
    private Parameter _bias;
    private readonly long _size;
    private readonly double _eps;

    /// <summary>Creates a norm over the last dimension of width <paramref name="size"/>.</summary>
    public LayerNormalization(long size, ParameterFactory factory, double eps = 1e-5) : base(nameof(LayerNormalization))
    {
        _weight = factory.Ones([size]);
        _bias = factory.Zeros([size]);
        _size = size;
        _eps = eps;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => nn.functional.layer_norm(input, [_size], _weight, _bias, _eps);
}
