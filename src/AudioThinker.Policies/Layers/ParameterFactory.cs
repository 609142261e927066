using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Layers;

/// <summary>
/// Creates every parameter of a model on its device and in its dtype, either initialised as Hugging Face's
/// <c>_init_weights</c> does (normal(0, σ) for matrices, zeros for biases, ones for norms) or left uninitialised because
/// a checkpoint will overwrite it (loading a 7B model should not first fill 7B random numbers).
/// </summary>
public sealed class ParameterFactory
{
    /// <summary>Creates a factory.</summary>
    /// <param name="device">Where parameters live.</param>
    /// <param name="dtype">Their element type (float32, bfloat16 or float16).</param>
    /// <param name="initialize">False when a checkpoint will overwrite every value.</param>
    /// <param name="generator">Random source for the initialisation (null: libtorch's default generator).</param>
    public ParameterFactory(Device device, ScalarType dtype, bool initialize, Generator? generator = null)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype {dtype} is not a floating-point type a model can hold (float32, bfloat16, float16)", nameof(dtype));
        }
        Device = device;
        DType = dtype;
        Initialize = initialize;
        Generator = generator;
    }

    /// <summary>Where parameters live.</summary>
    public Device Device { get; }

    /// <summary>Their element type.</summary>
    public ScalarType DType { get; }

    /// <summary>Whether values are initialised.</summary>
    public bool Initialize { get; }

    /// <summary>The random source, if any.</summary>
    public Generator? Generator { get; }

    /// <summary>A matrix drawn from normal(0, <paramref name="std"/>).</summary>
    public Parameter Normal(long[] shape, double std) => Make(shape, t => t.normal_(0, std, Generator));

    /// <summary>A tensor of zeros (biases).</summary>
    public Parameter Zeros(long[] shape) => Make(shape, t => t.zero_());

    /// <summary>A tensor of ones (norm weights).</summary>
    public Parameter Ones(long[] shape) => Make(shape, t => t.fill_(1.0));

    /// <summary>A parameter holding a copy of <paramref name="values"/> (cast to the factory's dtype and device).</summary>
    public Parameter From(Tensor values, bool requiresGrad = true)
    {
        using var noGrad = torch.no_grad();
        var p = new Parameter(values.to(DType, Device).clone(), requiresGrad);
        p.DetachFromDisposeScope();
        return p;
    }

    private Parameter Make(long[] shape, Func<Tensor, Tensor> fill)
    {
        using var noGrad = torch.no_grad();
        var data = torch.empty(shape, DType, Device);
        if (Initialize)
        {
            fill(data);
        }
        var p = new Parameter(data, requires_grad: true);
        // Parameters outlive whatever dispose scope the caller happens to be in.
        p.DetachFromDisposeScope();
        data.DetachFromDisposeScope();
        return p;
    }
}
