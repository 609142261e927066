using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Layers;

/// <summary>A 1-D convolution with bias (PyTorch <c>nn.Conv1d</c>, keys <c>weight</c> [out, in, kernel] and <c>bias</c>).</summary>
public sealed class Conv1d : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private Parameter _weight;
    [ComponentName(Name = "bias")]
    private Parameter _bias;
    private readonly long _stride;
    private readonly long _padding;

    /// <summary>Creates a convolution.</summary>
    public Conv1d(long inChannels, long outChannels, long kernel, long stride, long padding, double std, ParameterFactory factory) : base(nameof(Conv1d))
    {
        _weight = factory.Normal([outChannels, inChannels, kernel], std);
        _bias = factory.Zeros([outChannels]);
        _stride = stride;
        _padding = padding;
        RegisterComponents();
    }

    /// <summary>The stride along time.</summary>
    public long Stride => _stride;

    /// <summary>Input [batch, in, time] → output [batch, out, time'].</summary>
    public override Tensor forward(Tensor input) =>
        nn.functional.conv1d(input, _weight, _bias, stride: _stride, padding: _padding);
}
