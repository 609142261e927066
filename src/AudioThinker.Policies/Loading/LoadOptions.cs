using static TorchSharp.torch;

namespace AudioThinker.Policies.Loading;

/// <summary>How <see cref="PretrainedModels"/> builds a model from a checkpoint.</summary>
public sealed record LoadOptions
{
    /// <summary>The parameters' dtype (checkpoint values are converted: F32, BF16 and F16 files all load). Default float32;
    /// bfloat16 for a 7B model on a GPU.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Where the parameters go; null means <see cref="Runtime.TorchRuntime.Device"/>.</summary>
    public Device? Device { get; init; }
}

/// <summary>How <see cref="PretrainedModels.Save"/> writes a checkpoint.</summary>
public sealed record SaveOptions
{
    /// <summary>Stored dtype of floating-point tensors; null keeps the model's.</summary>
    public ScalarType? DType { get; init; }

    /// <summary>Largest shard in bytes before the weights are split across files with an index (transformers' default, 5 GB).</summary>
    public long MaxShardBytes { get; init; } = 5_000_000_000;

    /// <summary>
    /// Fold unmerged LoRA adapters into the weights written (<c>W + (α / r) · B A</c>, computed one shard at a time and
    /// leaving the model's own weights untouched), so the folder is a standalone model that computes what the adapted
    /// model does. Default false: the base weights are written and the adapters are left to
    /// <see cref="Lora.LoraAdapters.SavePeft"/>.
    /// </summary>
    public bool FoldAdapters { get; init; }
}
