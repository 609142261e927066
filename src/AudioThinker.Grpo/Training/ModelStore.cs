using AudioThinker.Grpo.Options;
using AudioThinker.Policies.Loading;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Presets;
using AudioThinker.Policies.Runtime;
using AudioThinker.Policies.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AudioThinker.Grpo.Training;

/// <summary>Creates, saves and reloads policy models with their tokenizers.</summary>
public static class ModelStore
{
    /// <summary>Saves the model (Hugging Face layout) and, for a compact tokenizer, the tokenizer beside it.</summary>
    public static void Save(ICausalLanguageModel model, ITextTokenizer tokenizer, string directory)
    {
        PretrainedModels.Save(model, directory);
        if (tokenizer is CompactTokenizer compact)
        {
            compact.Save(Path.Combine(directory, CompactTokenizer.DefaultFileName));
        }
    }

    /// <summary>Loads a model folder written by <see cref="Save"/> or a Hugging Face checkpoint (with its tokenizer files,
    /// or <paramref name="tokenizerDirectory"/>).</summary>
    public static (ICausalLanguageModel Model, ITextTokenizer Tokenizer) Load(string directory, string? tokenizerDirectory = null, ScalarType dtype = ScalarType.Float32)
    {
        var model = PretrainedModels.Load(directory, new LoadOptions { DType = dtype, Device = TorchRuntime.Device });
        var tokenizer = TokenizerLoader.FromDirectory(tokenizerDirectory ?? directory);
        return (model, tokenizer);
    }

    /// <summary>A fresh model of a preset sized for <paramref name="tokenizer"/>.</summary>
    public static ICausalLanguageModel Create(ModelOptions options, ITextTokenizer tokenizer, long seed) =>
        ModelPresets.CreateQwen2Audio(options.Preset, tokenizer, seed, device: TorchRuntime.Device);

    /// <summary>Copies every parameter value of <paramref name="source"/> into <paramref name="target"/> (same architecture).</summary>
    public static void CopyWeights(ICausalLanguageModel source, ICausalLanguageModel target)
    {
        var from = source.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in target.Module.named_parameters())
        {
            if (!from.TryGetValue(name, out var src))
            {
                throw new InvalidOperationException($"parameter '{name}' has no counterpart in the source model");
            }
            p.copy_(src);
        }
    }

    /// <summary>A frozen copy for the KL reference: same weights, no gradients, eval mode.</summary>
    public static ICausalLanguageModel FrozenCopy(ICausalLanguageModel model, string scratchDirectory)
    {
        Directory.CreateDirectory(scratchDirectory);
        PretrainedModels.Save(model, scratchDirectory);
        var copy = PretrainedModels.Load(scratchDirectory, new LoadOptions { DType = model.DType, Device = model.Device });
        foreach (var p in copy.Module.parameters())
        {
            p.requires_grad = false;
        }
        copy.Module.eval();
        return copy;
    }

    /// <summary>The trainable parameters by name.</summary>
    public static List<(string Name, Parameter Param)> Trainable(ICausalLanguageModel model) =>
        model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
}
