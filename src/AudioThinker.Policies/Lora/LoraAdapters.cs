using System.Text.Json;
using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Loading;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Lora;

/// <summary>
/// Attaches, merges, disables, saves and loads LoRA adapters on any model built from <see cref="LoraLinear"/> layers.
/// Saved adapters use PEFT's layout: <c>adapter_config.json</c> and <c>adapter_model.safetensors</c> whose keys are
/// <c>base_model.model.{module path}.lora_A.weight</c> / <c>.lora_B.weight</c>, so PEFT (and vLLM) load them onto the
/// Hugging Face model.
/// </summary>
public static class LoraAdapters
{
    /// <summary>The adapter config file name.</summary>
    public const string ConfigFile = "adapter_config.json";

    /// <summary>The adapter weights file name.</summary>
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>PEFT's prefix of every saved key.</summary>
    public const string KeyPrefix = "base_model.model.";

    /// <summary>The linear layers of a model by dotted path.</summary>
    public static IReadOnlyList<(string Path, LoraLinear Layer)> Linears(nn.Module model) =>
        model.named_modules().Where(m => m.module is LoraLinear).Select(m => (m.name, (LoraLinear)m.module)).ToList();

    /// <summary>
    /// Attaches an adapter to every targeted layer and freezes every other parameter, so only adapters train.
    /// Returns the adapted layers' paths.
    /// </summary>
    /// <exception cref="ArgumentException">Nothing matches, the output head is targeted, or a layer already has an adapter.</exception>
    public static IReadOnlyList<string> Apply(nn.Module model, LoraConfig config, long seed = 0)
    {
        config.Validate();
        var linears = Linears(model);
        var targets = linears.Where(l => config.Targets(l.Path)).ToList();
        if (targets.Count == 0)
        {
            throw new ArgumentException(
                $"LoRA target_modules [{string.Join(", ", config.TargetModulesPattern is null ? config.TargetModules : [config.TargetModulesPattern])}] match no linear layer; " +
                $"layers look like: {string.Join(", ", linears.Take(6).Select(l => l.Path))}");
        }
        var head = targets.FirstOrDefault(t => LoraConfig.IsHead(t.Path));
        if (head.Layer is not null)
        {
            // Token log-probabilities apply the head's weight directly in chunks; an adapter there would be skipped.
            throw new ArgumentException($"LoRA on the output head ('{head.Path}') is not supported; target the decoder's projections");
        }
        foreach (var p in model.parameters())
        {
            p.requires_grad_(false);
        }
        using var generator = new Generator((ulong)seed, torch.CPU);
        // One dropout generator per device, shared by the model's adapters and owned by them.
        var dropoutGenerators = new Dictionary<string, Generator>();
        foreach (var (path, layer) in targets)
        {
            if (layer.HasAdapter)
            {
                throw new ArgumentException($"'{path}' already has a LoRA adapter");
            }
            var device = layer.Weight.device;
            Generator? dropoutGenerator = null;
            if (config.Dropout > 0 && !dropoutGenerators.TryGetValue(device.ToString(), out dropoutGenerator))
            {
                dropoutGenerator = new Generator((ulong)seed + 1, device);
                dropoutGenerators[device.ToString()] = dropoutGenerator;
            }
            layer.AttachAdapter(config.Rank, config.Alpha, config.Dropout, device.type == DeviceType.CPU ? generator : null, dropoutGenerator);
        }
        return targets.Select(t => t.Path).ToList();
    }

    /// <summary>The layers of <paramref name="model"/> that carry an adapter, by dotted path.</summary>
    public static IReadOnlyList<(string Path, LoraLinear Layer)> Adapted(nn.Module model) =>
        Linears(model).Where(l => l.Layer.HasAdapter).ToList();

    /// <summary>True when any layer of <paramref name="model"/> carries an adapter.</summary>
    public static bool HasAdapters(nn.Module model) => Linears(model).Any(l => l.Layer.HasAdapter);

    /// <summary>The distinct generators the adapters of <paramref name="module"/> draw dropout masks from.</summary>
    public static IReadOnlyList<Generator> DropoutGenerators(nn.Module module) =>
        Linears(module).Select(l => l.Layer.DropoutGenerator).OfType<Generator>().Distinct().ToList();

    /// <summary>Reseeds every adapter dropout generator of <paramref name="model"/> (for reproducible masks).</summary>
    public static void SeedDropout(nn.Module model, long seed)
    {
        foreach (var g in DropoutGenerators(model))
        {
            g.manual_seed(seed);
        }
    }

    /// <summary>The adapters' parameters (what an optimizer should train once LoRA is on).</summary>
    public static IReadOnlyList<Parameter> TrainableParameters(nn.Module model) =>
        Adapted(model).SelectMany(l => new[] { l.Layer.LoraA!, l.Layer.LoraB! }).ToList();

    /// <summary>Folds every adapter into its base weight.</summary>
    public static void Merge(nn.Module model)
    {
        foreach (var (_, layer) in Linears(model))
        {
            layer.Merge();
        }
    }

    /// <summary>Takes every merged adapter back out of its base weight.</summary>
    public static void Unmerge(nn.Module model)
    {
        foreach (var (_, layer) in Linears(model))
        {
            layer.Unmerge();
        }
    }

    /// <summary>Runs the base model until the returned scope is disposed (e.g. the reference policy of GRPO's KL term).</summary>
    /// <exception cref="InvalidOperationException">An adapter is merged (the base weights are not at hand).</exception>
    public static IDisposable Disable(nn.Module model)
    {
        var layers = Adapted(model).Select(l => l.Layer).ToList();
        if (layers.Any(l => l.Merged))
        {
            throw new InvalidOperationException("cannot disable merged LoRA adapters; unmerge them first");
        }
        var previous = layers.Select(l => l.AdapterEnabled).ToList();
        layers.ForEach(l => l.AdapterEnabled = false);
        return new Restore(() =>
        {
            for (var i = 0; i < layers.Count; i++)
            {
                layers[i].AdapterEnabled = previous[i];
            }
        });
    }

    /// <summary>Writes the adapters in PEFT's layout to <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidOperationException">The model has no adapter.</exception>
    public static void SavePeft(nn.Module model, string directory, LoraConfig config, string? baseModelNameOrPath = null)
    {
        var adapted = Adapted(model);
        if (adapted.Count == 0)
        {
            throw new InvalidOperationException("the model has no LoRA adapter to save");
        }
        Directory.CreateDirectory(directory);
        var tensors = adapted.SelectMany(l => new[]
        {
            (KeyPrefix + l.Path + ".lora_A.weight", (Tensor)l.Layer.LoraA!),
            (KeyPrefix + l.Path + ".lora_B.weight", (Tensor)l.Layer.LoraB!),
        });
        SafeTensorsFile.Write(Path.Combine(directory, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJson(baseModelNameOrPath).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Reads a PEFT adapter folder, attaches adapters as its config says (freezing the rest) and loads their weights.
    /// Keys with PEFT's adapter name (<c>.lora_A.default.weight</c>) are accepted too.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">The adapter's tensors do not match the adapted layers.</exception>
    public static LoraConfig LoadPeft(nn.Module model, string directory)
    {
        var (config, file, targets, found) = OpenPeft(model, directory);
        using (file)
        {
            Apply(model, config);
            CopyInto(targets, file, found);
        }
        return config;
    }

    /// <summary>
    /// Loads a PEFT adapter folder's weights into the adapters already attached to <paramref name="model"/> (a resumed
    /// run's): the folder's rank, α and targets must be those of the attached adapters.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">The adapter's tensors do not match the adapted layers.</exception>
    /// <exception cref="InvalidDataException">The folder's config differs from the attached adapters'.</exception>
    public static LoraConfig LoadPeftWeights(nn.Module model, string directory)
    {
        var (config, file, targets, found) = OpenPeft(model, directory);
        using (file)
        {
            var attached = Adapted(model).Select(l => l.Path).ToHashSet(StringComparer.Ordinal);
            var wrong = targets.Where(t => !t.Layer.HasAdapter || t.Layer.Rank != config.Rank || Math.Abs(t.Layer.Scaling - config.Scaling) > 1e-12)
                .Select(t => t.Path).Concat(attached.Except(targets.Select(t => t.Path))).ToList();
            if (wrong.Count > 0)
            {
                throw new InvalidDataException(
                    $"{Path.Combine(directory, ConfigFile)}: r = {config.Rank}, α = {config.Alpha} on its targets does not match the model's attached adapters " +
                    $"(e.g. '{wrong[0]}'; {wrong.Count} layers differ)");
            }
            CopyInto(targets, file, found);
        }
        return config;
    }

    // Checks everything before the model is touched, so a bad adapter leaves it as it was.
    private static (LoraConfig Config, SafeTensorsFile File, List<(string Path, LoraLinear Layer)> Targets, Dictionary<string, string> Found) OpenPeft(
        nn.Module model, string directory)
    {
        var configPath = Path.Combine(directory, ConfigFile);
        if (!File.Exists(configPath))
        {
            throw new InvalidDataException($"{directory}: no {ConfigFile} (is this a PEFT adapter folder?)");
        }
        var config = LoraConfig.FromJson(JsonFields.ReadObject(configPath), configPath);
        var weightsPath = Path.Combine(directory, WeightsFile);
        var file = SafeTensorsFile.Open(weightsPath);
        try
        {
            var targets = Linears(model).Where(l => config.Targets(l.Path)).ToList();
            var expected = new Dictionary<string, long[]>(StringComparer.Ordinal);
            foreach (var (path, layer) in targets)
            {
                expected[path + ".lora_A.weight"] = [config.Rank, layer.InFeatures];
                expected[path + ".lora_B.weight"] = [layer.OutFeatures, config.Rank];
            }
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var key in file.Tensors.Keys)
            {
                var name = key.StartsWith(KeyPrefix, StringComparison.Ordinal) ? key[KeyPrefix.Length..] : key;
                name = name.Replace(".lora_A.default.weight", ".lora_A.weight", StringComparison.Ordinal)
                           .Replace(".lora_B.default.weight", ".lora_B.weight", StringComparison.Ordinal);
                found[name] = key;
            }
            var missing = expected.Keys.Where(e => !found.ContainsKey(e)).Order().ToList();
            var unexpected = found.Where(f => !expected.ContainsKey(f.Key)).Select(f => f.Value).Order().ToList();
            var shapes = expected.Where(e => found.ContainsKey(e.Key) && !file.Tensors[found[e.Key]].Shape.SequenceEqual(e.Value))
                .Select(e => $"{found[e.Key]}: adapter [{string.Join(", ", file.Tensors[found[e.Key]].Shape)}] vs model [{string.Join(", ", e.Value)}]")
                .ToList();
            if (missing.Count > 0 || unexpected.Count > 0 || shapes.Count > 0)
            {
                throw new CheckpointMismatchException(weightsPath, missing, unexpected, shapes);
            }
            return (config, file, targets, found);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void CopyInto(List<(string Path, LoraLinear Layer)> targets, SafeTensorsFile file, Dictionary<string, string> found)
    {
        using var noGrad = torch.no_grad();
        foreach (var (path, layer) in targets)
        {
            using var scope = torch.NewDisposeScope();
            layer.LoraA!.copy_(file.Read(found[path + ".lora_A.weight"]).to(layer.LoraA!.dtype, layer.LoraA!.device));
            layer.LoraB!.copy_(file.Read(found[path + ".lora_B.weight"]).to(layer.LoraB!.dtype, layer.LoraB!.device));
        }
    }

    /// <summary>The base model a PEFT adapter folder names (<c>base_model_name_or_path</c>), or null.</summary>
    public static string? BaseModelOf(string directory)
    {
        var configPath = Path.Combine(directory, ConfigFile);
        var node = JsonFields.ReadObject(configPath);
        return node["base_model_name_or_path"]?.GetValue<string>() is { Length: > 0 } b ? b : null;
    }

    private sealed class Restore(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose()
        {
            _action?.Invoke();
            _action = null;
        }
    }
}
