using System.Text.Json.Nodes;
using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Runtime;
using AudioThinker.Policies.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Loading;

/// <summary>
/// Hugging Face checkpoint folders in and out: <c>config.json</c> plus <c>model.safetensors</c> or sharded
/// <c>model-0000i-of-0000n.safetensors</c> with <c>model.safetensors.index.json</c>.
/// </summary>
/// <remarks>
/// Loading accepts the hub's key layout and transformers 5's (which nests Qwen2-Audio's decoder one level deeper,
/// <c>language_model.model.model.*</c>); an <c>lm_head.weight</c> in the file makes the head untied whatever
/// <c>tie_word_embeddings</c> says; every missing key, unexpected key and shape mismatch is reported at once.
/// Saving writes the hub layout, which transformers 4 and 5 both read.
/// </remarks>
public static class PretrainedModels
{
    /// <summary>The config file name.</summary>
    public const string ConfigFile = "config.json";

    private const string Transformers5Prefix = "language_model.model.model.";
    private const string HubPrefix = "language_model.model.";

    /// <summary>Loads whatever model <c>config.json</c> names (<c>qwen2_audio</c>, <c>qwen2</c>, <c>qwen3</c>).</summary>
    public static ICausalLanguageModel Load(string directory, LoadOptions? options = null)
    {
        var (node, source) = ReadConfig(directory);
        var type = JsonFields.String(node, "model_type", source);
        return type switch
        {
            "qwen2_audio" => LoadQwen2Audio(directory, options),
            "qwen2" or "qwen3" => LoadCausalLm(directory, options),
            _ => throw new InvalidDataException($"{source}: model_type '{type ?? "(none)"}' is not supported (qwen2_audio, qwen2, qwen3)"),
        };
    }

    /// <summary>Loads a Qwen2 or Qwen3 causal language model.</summary>
    public static CausalLanguageModel LoadCausalLm(string directory, LoadOptions? options = null)
    {
        var (node, source) = ReadConfig(directory);
        var type = JsonFields.String(node, "model_type", source);
        if (type is not ("qwen2" or "qwen3"))
        {
            throw new InvalidDataException($"{source}: model_type '{type ?? "(none)"}' is not a causal LM this loader knows (qwen2, qwen3)");
        }
        var config = DecoderConfig.FromJson(node, source);
        using var files = CheckpointFiles.Open(directory);
        var keys = MapKeys(files, audio: false);
        var tie = !keys.ContainsKey("lm_head.weight") && config.TieWordEmbeddings;
        var model = new CausalLanguageModel(config, Factory(options), tieWordEmbeddings: tie);
        Fill(model, files, keys);
        return model;
    }

    /// <summary>Loads Qwen2-Audio.</summary>
    public static Qwen2AudioForConditionalGeneration LoadQwen2Audio(string directory, LoadOptions? options = null)
    {
        var (node, source) = ReadConfig(directory);
        var type = JsonFields.String(node, "model_type", source);
        if (type != "qwen2_audio")
        {
            throw new InvalidDataException($"{source}: model_type '{type ?? "(none)"}' is not qwen2_audio");
        }
        var config = Qwen2AudioConfig.FromJson(node, source);
        using var files = CheckpointFiles.Open(directory);
        var keys = MapKeys(files, audio: true);
        var tie = !keys.ContainsKey("language_model.lm_head.weight") && config.Text.TieWordEmbeddings;
        var model = new Qwen2AudioForConditionalGeneration(config, Factory(options), tieWordEmbeddings: tie);
        Fill(model, files, keys);
        return model;
    }

    /// <summary>
    /// Writes <paramref name="model"/> as a Hugging Face checkpoint (config.json and safetensors, sharded above
    /// <see cref="SaveOptions.MaxShardBytes"/>), replacing weights files already in the folder. LoRA adapters are not
    /// part of it (save them with <see cref="Lora.LoraAdapters.SavePeft"/>) unless <see cref="SaveOptions.FoldAdapters"/>
    /// folds them into the weights; a merged adapter is, inside the base weights.
    /// </summary>
    public static void Save(ICausalLanguageModel model, string directory, SaveOptions? options = null)
    {
        options ??= new SaveOptions();
        if (options.MaxShardBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxShardBytes, "MaxShardBytes must be positive");
        }
        Directory.CreateDirectory(directory);
        var dtype = options.DType ?? model.DType;
        var config = ConfigJson(model);
        config["torch_dtype"] = DTypeName(dtype);
        config["dtype"] = DTypeName(dtype);
        File.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        foreach (var stale in Directory.EnumerateFiles(directory, "model*.safetensors*"))
        {
            File.Delete(stale);
        }
        var tensors = model.Module.named_parameters()
            .Where(p => !p.name.Contains(".lora_A.", StringComparison.Ordinal) && !p.name.Contains(".lora_B.", StringComparison.Ordinal))
            .Select(p => (p.name, (Tensor)p.parameter))
            .OrderBy(p => p.name, StringComparer.Ordinal)
            .ToList();
        var elementSize = SafeTensorsFile.ToSafeTensorDType(dtype) switch
        {
            Data.IO.SafeTensorDType.F32 => 4,
            Data.IO.SafeTensorDType.F64 => 8,
            _ => 2,
        };
        var shards = new List<List<(string Name, Tensor Tensor)>> { new() };
        long shardBytes = 0, totalBytes = 0;
        foreach (var t in tensors)
        {
            var bytes = t.Item2.numel() * elementSize;
            if (shards[^1].Count > 0 && shardBytes + bytes > options.MaxShardBytes)
            {
                shards.Add([]);
                shardBytes = 0;
            }
            shards[^1].Add(t);
            shardBytes += bytes;
            totalBytes += bytes;
        }
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        var adapted = options.FoldAdapters
            ? Lora.LoraAdapters.Linears(model.Module).Where(l => l.Layer.HasAdapter && !l.Layer.Merged)
                .ToDictionary(l => l.Path + ".weight", l => l.Layer, StringComparer.Ordinal)
            : [];
        void WriteShard(string path, List<(string Name, Tensor Tensor)> shard)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var folded = shard.Select(t => adapted.TryGetValue(t.Name, out var layer)
                ? (t.Name, t.Tensor + layer.Delta().to_type(t.Tensor.dtype))
                : t).ToList();
            SafeTensorsFile.Write(path, folded, metadata, dtype);
        }
        if (shards.Count == 1)
        {
            WriteShard(Path.Combine(directory, CheckpointFiles.SingleFile), shards[0]);
            return;
        }
        var weightMap = new JsonObject();
        for (var i = 0; i < shards.Count; i++)
        {
            var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            WriteShard(Path.Combine(directory, name), shards[i]);
            foreach (var (key, _) in shards[i])
            {
                weightMap[key] = name;
            }
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = totalBytes }, ["weight_map"] = weightMap };
        File.WriteAllText(Path.Combine(directory, CheckpointFiles.IndexFile), index.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The config.json of a model, as transformers reads it.</summary>
    public static JsonObject ConfigJson(ICausalLanguageModel model)
    {
        switch (model)
        {
            case Qwen2AudioForConditionalGeneration audio:
                return audio.Config.ToJson();
            default:
                var node = model.TextConfig.ToJson();
                node["architectures"] = new JsonArray(model.TextConfig.ModelType == "qwen3" ? "Qwen3ForCausalLM" : "Qwen2ForCausalLM");
                return node;
        }
    }

    private static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        ScalarType.Float64 => "float64",
        _ => "float32",
    };

    private static (JsonObject Node, string Source) ReadConfig(string directory)
    {
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{directory}: no {ConfigFile} (is this a Hugging Face checkpoint folder?)");
        }
        return (JsonFields.ReadObject(path), path);
    }

    private static ParameterFactory Factory(LoadOptions? options)
    {
        TorchRuntime.Initialize();
        options ??= new LoadOptions();
        return new ParameterFactory(options.Device ?? TorchRuntime.Device, options.DType, initialize: false);
    }

    /// <summary>Model key → checkpoint key, folding transformers 5's extra nesting and dropping keys that were never weights.</summary>
    private static Dictionary<string, string> MapKeys(CheckpointFiles files, bool audio)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fileKey in files.Tensors.Keys.Order(StringComparer.Ordinal))
        {
            // Old checkpoints saved RoPE's frequency buffer; it is recomputed from rope_theta.
            if (fileKey.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal))
            {
                continue;
            }
            var modelKey = audio && fileKey.StartsWith(Transformers5Prefix, StringComparison.Ordinal)
                ? HubPrefix + fileKey[Transformers5Prefix.Length..]
                : fileKey;
            if (!map.TryAdd(modelKey, fileKey))
            {
                throw new InvalidDataException($"{files.Directory}: both '{map[modelKey]}' and '{fileKey}' map to parameter '{modelKey}'");
            }
        }
        return map;
    }

    private static void Fill(ICausalLanguageModel model, CheckpointFiles files, Dictionary<string, string> keys)
    {
        var parameters = model.Module.named_parameters().ToList();
        var infos = files.Tensors;
        var missing = parameters.Where(p => !keys.ContainsKey(p.name)).Select(p => p.name).ToList();
        var known = parameters.Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var unexpected = keys.Where(kv => !known.Contains(kv.Key)).Select(kv => kv.Value).ToList();
        var shapes = new List<string>();
        foreach (var (name, parameter) in parameters)
        {
            if (keys.TryGetValue(name, out var fileKey) && !infos[fileKey].Shape.SequenceEqual(parameter.shape))
            {
                shapes.Add($"{fileKey}: checkpoint [{string.Join(", ", infos[fileKey].Shape)}] vs model [{string.Join(", ", parameter.shape)}]");
            }
        }
        if (missing.Count > 0 || unexpected.Count > 0 || shapes.Count > 0)
        {
            model.Module.Dispose();
            throw new CheckpointMismatchException(files.Directory, missing, unexpected, shapes);
        }
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in parameters)
        {
            using var scope = torch.NewDisposeScope();
            var stored = files.Read(keys[name]);
            parameter.copy_(stored.to(parameter.dtype, parameter.device));
        }
    }
}
