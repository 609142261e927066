using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Lora;

/// <summary>
/// A linear layer (PyTorch <c>nn.Linear</c>: keys <c>weight</c> [out, in] and optional <c>bias</c>) that can carry a
/// LoRA adapter: <c>y = x Wᵀ + b + (α / r) · B A x</c>, with <c>lora_A.weight</c> [r, in] and <c>lora_B.weight</c>
/// [out, r] named as PEFT names them, so an adapter's keys are the base key plus <c>.lora_A.weight</c> /
/// <c>.lora_B.weight</c>. Every projection of the models is one of these, so LoRA needs no module surgery.
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private Parameter _weight;
    [ComponentName(Name = "bias")]
    private Parameter? _bias;
    [ComponentName(Name = "lora_A")]
    private TorchSharp.Modules.Linear? _loraA;
    [ComponentName(Name = "lora_B")]
    private TorchSharp.Modules.Linear? _loraB;
    private double _scaling;
    private double _dropout;

    /// <summary>Creates the layer with weights drawn from normal(0, <paramref name="std"/>) and a zero bias.</summary>
    public LoraLinear(long inFeatures, long outFeatures, bool hasBias, double std, Layers.ParameterFactory factory) : base(nameof(LoraLinear))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _weight = factory.Normal([outFeatures, inFeatures], std);
        _bias = hasBias ? factory.Zeros([outFeatures]) : null;
        RegisterComponents();
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The base weight [out, in].</summary>
    public Parameter Weight => _weight;

    /// <summary>The base bias, if any.</summary>
    public Parameter? Bias => _bias;

    /// <summary>True once an adapter is attached.</summary>
    public bool HasAdapter => _loraA is not null;

    /// <summary>The adapter's rank r (0 without one).</summary>
    public int Rank => _loraA is null ? 0 : (int)_loraA.weight!.shape[0];

    /// <summary>α / r.</summary>
    public double Scaling => _scaling;

    /// <summary>
    /// Where the adapter's dropout masks come from; null draws from torch's process-wide generator. A model's own
    /// generator keeps masks reproducible while other threads draw random numbers, and lets gradient checkpointing
    /// replay the same masks on any device.
    /// </summary>
    public Generator? DropoutGenerator { get; private set; }

    /// <summary>True while the adapter's update is folded into <see cref="Weight"/>.</summary>
    public bool Merged { get; private set; }

    /// <summary>When false the adapter is skipped (the base model's output, e.g. for a GRPO reference policy).</summary>
    public bool AdapterEnabled { get; set; } = true;

    /// <summary>The adapter's down projection A [r, in], if attached.</summary>
    public Parameter? LoraA => _loraA?.weight;

    /// <summary>The adapter's up projection B [out, r], if attached.</summary>
    public Parameter? LoraB => _loraB?.weight;

    /// <summary>
    /// Attaches an adapter as PEFT initialises one: A Kaiming-uniform (a = √5, PyTorch's Linear default), B zeros, so
    /// the layer's output is unchanged until B is trained. The adapter is kept in float32 (PEFT's
    /// <c>autocast_adapter_dtype</c>) whatever the base dtype.
    /// </summary>
    /// <param name="rank">r.</param>
    /// <param name="alpha">α.</param>
    /// <param name="dropout">Dropout on the adapter's input in training mode.</param>
    /// <param name="generator">Draws A's initial values (CPU only; null uses the global generator).</param>
    /// <param name="dropoutGenerator">Draws the dropout masks, on this layer's device (see <see cref="DropoutGenerator"/>).</param>
    public void AttachAdapter(int rank, double alpha, double dropout, Generator? generator = null, Generator? dropoutGenerator = null)
    {
        if (_loraA is not null)
        {
            throw new InvalidOperationException("this layer already has a LoRA adapter");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        if (!(alpha > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "LoRA alpha must be positive");
        }
        if (dropout is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "LoRA dropout must be in [0, 1)");
        }
        var device = _weight.device;
        using (torch.no_grad())
        {
            _loraA = nn.Linear(InFeatures, rank, hasBias: false, device: device, dtype: ScalarType.Float32);
            _loraB = nn.Linear(rank, OutFeatures, hasBias: false, device: device, dtype: ScalarType.Float32);
            // Kaiming-uniform with a = √5 on fan_in is U(−1/√in, 1/√in).
            var bound = 1.0 / Math.Sqrt(InFeatures);
            _loraA.weight!.uniform_(-bound, bound, generator);
            _loraB.weight!.zero_();
        }
        register_module("lora_A", _loraA);
        register_module("lora_B", _loraB);
        _scaling = alpha / rank;
        _dropout = dropout;
        DropoutGenerator = dropoutGenerator;
        Merged = false;
    }

    /// <summary>Folds <c>(α / r) · B A</c> into <see cref="Weight"/> so inference costs one matmul; idempotent.</summary>
    public void Merge()
    {
        if (_loraA is null || Merged)
        {
            return;
        }
        using var noGrad = torch.no_grad();
        using var delta = Delta();
        _weight.add_(delta.to_type(_weight.dtype));
        Merged = true;
    }

    /// <summary>Takes the adapter's update back out of <see cref="Weight"/>; idempotent.</summary>
    public void Unmerge()
    {
        if (_loraA is null || !Merged)
        {
            return;
        }
        using var noGrad = torch.no_grad();
        using var delta = Delta();
        _weight.sub_(delta.to_type(_weight.dtype));
        Merged = false;
    }

    /// <summary>The adapter's weight update <c>(α / r) · B A</c> [out, in] in float32.</summary>
    public Tensor Delta()
    {
        if (_loraA is null || _loraB is null)
        {
            throw new InvalidOperationException("this layer has no LoRA adapter");
        }
        using var product = _loraB.weight!.matmul(_loraA.weight!);
        return product.mul(_scaling);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var output = nn.functional.linear(input, _weight, _bias);
        if (_loraA is null || _loraB is null || Merged || !AdapterEnabled)
        {
            return output;
        }
        Tensor update;
        using (var scope = torch.NewDisposeScope())
        {
            var x = input.to_type(ScalarType.Float32);
            if (_dropout > 0 && training)
            {
                x = DropoutGenerator is null
                    ? nn.functional.dropout(x, _dropout, training: true)
                    : x * torch.empty_like(x).bernoulli_(1 - _dropout, DropoutGenerator).div_(1 - _dropout);
            }
            update = _loraB.forward(_loraA.forward(x)).mul(_scaling).to_type(output.dtype).MoveToOuterDisposeScope();
        }
        using (output)
        using (update)
        {
            return output + update;
        }
    }
}
