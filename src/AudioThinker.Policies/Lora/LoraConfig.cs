using System.Text.Json.Nodes;
using AudioThinker.Policies.Configuration;

namespace AudioThinker.Policies.Lora;

/// <summary>
/// LoRA settings (Hu et al. 2021), as PEFT's <c>LoraConfig</c> writes them to <c>adapter_config.json</c>. Defaults:
/// rank 8, α 32 on every projection of the decoder (the setup one secondary note gives for the paper).
/// </summary>
public sealed record LoraConfig
{
    /// <summary>PEFT's special target meaning every linear layer except the output head.</summary>
    public const string AllLinear = "all-linear";

    /// <summary>The seven projections of a Qwen2/Qwen3 decoder layer (attention and MLP).</summary>
    public static IReadOnlyList<string> DecoderProjections { get; } = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>The adapter rank r.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>α; the update is scaled by α / r.</summary>
    public double Alpha { get; init; } = 32;

    /// <summary>Dropout on the adapter's input during training.</summary>
    public double Dropout { get; init; }

    /// <summary>Module names to adapt, matched as PEFT matches a list: a module whose dotted path equals a name or ends
    /// with "." + name (so <c>q_proj</c> matches every layer's). <see cref="AllLinear"/> alone means every linear layer
    /// except the head. Ignored when <see cref="TargetModulesPattern"/> is set.</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = DecoderProjections;

    /// <summary>A regular expression a module's whole dotted path must match (PEFT's string form of <c>target_modules</c>),
    /// e.g. <c>language_model\..*_proj</c> to leave the audio encoder alone.</summary>
    public string? TargetModulesPattern { get; init; }

    /// <summary>α / r.</summary>
    public double Scaling => Alpha / Rank;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (Rank <= 0)
        {
            throw new ArgumentException($"LoRA r must be positive, got {Rank}");
        }
        if (!(Alpha > 0))
        {
            throw new ArgumentException($"LoRA lora_alpha must be positive, got {Alpha}");
        }
        if (Dropout is < 0 or >= 1)
        {
            throw new ArgumentException($"LoRA lora_dropout must be in [0, 1), got {Dropout}");
        }
        if (TargetModulesPattern is null && TargetModules.Count == 0)
        {
            throw new ArgumentException("LoRA target_modules is empty");
        }
    }

    /// <summary>True when the module at <paramref name="path"/> should carry an adapter.</summary>
    public bool Targets(string path)
    {
        if (TargetModulesPattern is { } pattern)
        {
            return System.Text.RegularExpressions.Regex.IsMatch(path, $"^(?:{pattern})$");
        }
        if (TargetModules.Count == 1 && TargetModules[0] == AllLinear)
        {
            return !IsHead(path);
        }
        return TargetModules.Any(t => path == t || path.EndsWith("." + t, StringComparison.Ordinal));
    }

    /// <summary>True for the output head (<c>lm_head</c>), which PEFT's all-linear leaves out.</summary>
    public static bool IsHead(string path) => path == "lm_head" || path.EndsWith(".lm_head", StringComparison.Ordinal);

    /// <summary>Writes adapter_config.json as PEFT reads it.</summary>
    public JsonObject ToJson(string? baseModelNameOrPath) => new()
    {
        ["peft_type"] = "LORA",
        ["task_type"] = "CAUSAL_LM",
        ["base_model_name_or_path"] = baseModelNameOrPath,
        ["r"] = Rank,
        ["lora_alpha"] = Alpha,
        ["lora_dropout"] = Dropout,
        ["target_modules"] = TargetModulesPattern is { } pattern ? pattern : new JsonArray(TargetModules.Select(t => (JsonNode)t).ToArray()),
        ["bias"] = "none",
        ["fan_in_fan_out"] = false,
        ["inference_mode"] = true,
        ["init_lora_weights"] = true,
        ["use_rslora"] = false,
        ["use_dora"] = false,
        ["modules_to_save"] = null,
        ["layers_to_transform"] = null,
        ["rank_pattern"] = new JsonObject(),
        ["alpha_pattern"] = new JsonObject(),
    };

    /// <summary>Reads adapter_config.json (plain LoRA only: no DoRA, rsLoRA, per-layer ranks or extra trained modules).</summary>
    public static LoraConfig FromJson(JsonObject node, string source)
    {
        var type = JsonFields.String(node, "peft_type", source);
        if (type is not (null or "LORA"))
        {
            throw new InvalidDataException($"{source}: peft_type '{type}' is not LORA");
        }
        foreach (var flag in new[] { "use_dora", "use_rslora", "fan_in_fan_out" })
        {
            if (JsonFields.Bool(node, flag, false, source))
            {
                throw new InvalidDataException($"{source}: {flag} is true; only plain LoRA adapters are supported");
            }
        }
        if (node["modules_to_save"] is JsonArray { Count: > 0 })
        {
            throw new InvalidDataException($"{source}: modules_to_save is not supported");
        }
        if (node["rank_pattern"] is JsonObject { Count: > 0 } || node["alpha_pattern"] is JsonObject { Count: > 0 })
        {
            throw new InvalidDataException($"{source}: rank_pattern / alpha_pattern are not supported");
        }
        var bias = JsonFields.String(node, "bias", source) ?? "none";
        if (bias != "none")
        {
            throw new InvalidDataException($"{source}: bias '{bias}' is not supported (none)");
        }
        var targets = node["target_modules"];
        var config = new LoraConfig
        {
            Rank = JsonFields.Int(node, "r", 8, source),
            Alpha = JsonFields.Double(node, "lora_alpha", 8, source),
            Dropout = JsonFields.Double(node, "lora_dropout", 0, source),
            TargetModules = targets is JsonArray array
                ? array.Select((t, i) => t?.GetValue<string>() ?? throw new InvalidDataException($"{source}: target_modules[{i}] is null")).ToList()
                : [],
            TargetModulesPattern = targets is JsonValue ? JsonFields.String(node, "target_modules", source) : null,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        return config;
    }
}
