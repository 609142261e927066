using AudioThinker.Grpo.Options;
using AudioThinker.Policies.Loading;
using AudioThinker.Policies.Lora;
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
    /// <summary>Saves the model (Hugging Face layout) and, for a compact tokenizer, the tokenizer beside it. Attached LoRA
    /// adapters are folded into the weights written, so the folder is a standalone model.</summary>
    public static void Save(ICausalLanguageModel model, ITextTokenizer tokenizer, string directory)
    {
        PretrainedModels.Save(model, directory, new SaveOptions { FoldAdapters = true });
        SaveTokenizer(tokenizer, directory);
    }

    /// <summary>Saves only the model's LoRA adapters, in PEFT's layout, naming <paramref name="baseModelDirectory"/> (a
    /// model folder) as <c>base_model_name_or_path</c> so <see cref="Load"/> can rebuild the adapted model from it.</summary>
    public static void SaveAdapter(ICausalLanguageModel model, ITextTokenizer tokenizer, LoraConfig config, string baseModelDirectory, string directory)
    {
        LoraAdapters.SavePeft(model.Module, directory, config, Path.GetFullPath(baseModelDirectory));
        SaveTokenizer(tokenizer, directory);
    }

    private static void SaveTokenizer(ITextTokenizer tokenizer, string directory)
    {
        if (tokenizer is CompactTokenizer compact)
        {
            compact.Save(Path.Combine(directory, CompactTokenizer.DefaultFileName));
        }
    }

    /// <summary>True when <paramref name="directory"/> is a PEFT adapter folder rather than a model.</summary>
    public static bool IsAdapter(string directory) => File.Exists(Path.Combine(directory, LoraAdapters.ConfigFile));

    /// <summary>Loads a model folder written by <see cref="Save"/>, a Hugging Face checkpoint, or an adapter folder written by
    /// <see cref="SaveAdapter"/> (its base model is loaded and the adapters attached). The tokenizer comes from
    /// <paramref name="tokenizerDirectory"/>, else the folder, else (for an adapter) its base model's folder. The model is in
    /// eval mode.</summary>
    public static (ICausalLanguageModel Model, ITextTokenizer Tokenizer) Load(string directory, string? tokenizerDirectory = null, ScalarType dtype = ScalarType.Float32)
    {
        if (IsAdapter(directory))
        {
            var baseDirectory = LoraAdapters.BaseModelOf(directory)
                ?? throw new InvalidDataException($"{Path.Combine(directory, LoraAdapters.ConfigFile)}: base_model_name_or_path is not set, so the adapters have no model to go on");
            if (!Directory.Exists(baseDirectory))
            {
                throw new DirectoryNotFoundException($"{Path.Combine(directory, LoraAdapters.ConfigFile)}: base_model_name_or_path '{baseDirectory}' does not exist");
            }
            var tokenizerFrom = tokenizerDirectory ?? (TokenizerLoader.HasTokenizer(directory) ? directory : baseDirectory);
            var (baseModel, tokenizer) = Load(baseDirectory, tokenizerFrom, dtype);
            LoraAdapters.LoadPeft(baseModel.Module, directory);
            baseModel.Module.eval();
            return (baseModel, tokenizer);
        }
        var model = PretrainedModels.Load(directory, new LoadOptions { DType = dtype, Device = TorchRuntime.Device });
        model.Module.eval(); // trainers switch to training mode for their own passes
        return (model, TokenizerLoader.FromDirectory(tokenizerDirectory ?? directory));
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
