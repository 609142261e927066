using System.Text.Json.Nodes;

namespace AudioThinker.Policies.Configuration;

/// <summary>
/// The text decoder of Qwen2 and Qwen3 (Hugging Face <c>Qwen2Config</c> / <c>Qwen3Config</c>). Defaults are the
/// Hugging Face class defaults, because hub configs (Qwen2-Audio's <c>text_config</c> among them) leave fields out.
/// </summary>
public sealed record DecoderConfig
{
    /// <summary><c>qwen2</c> (QKV bias) or <c>qwen3</c> (q_norm/k_norm before RoPE, explicit head_dim).</summary>
    public string ModelType { get; init; } = "qwen2";

    /// <summary>Rows of the token embedding and of the output head (<c>vocab_size</c>).</summary>
    public int VocabSize { get; init; } = 151936;

    /// <summary>Width of the residual stream (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; init; } = 4096;

    /// <summary>Width of the SwiGLU MLP (<c>intermediate_size</c>).</summary>
    public int IntermediateSize { get; init; } = 22016;

    /// <summary>Decoder layers (<c>num_hidden_layers</c>).</summary>
    public int NumHiddenLayers { get; init; } = 32;

    /// <summary>Query heads (<c>num_attention_heads</c>).</summary>
    public int NumAttentionHeads { get; init; } = 32;

    /// <summary>Key/value heads for grouped-query attention (<c>num_key_value_heads</c>; null in the file means all heads).</summary>
    public int NumKeyValueHeads { get; init; } = 32;

    /// <summary>Per-head width (<c>head_dim</c>); null means hidden_size / num_attention_heads (Qwen2 has no such field).</summary>
    public int? HeadDim { get; init; }

    /// <summary>RoPE base θ (<c>rope_theta</c> or <c>rope_parameters.rope_theta</c>).</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>RMSNorm epsilon (<c>rms_norm_eps</c>).</summary>
    public double RmsNormEps { get; init; } = 1e-6;

    /// <summary>Whether the output head reuses the token embedding (<c>tie_word_embeddings</c>). A checkpoint that holds
    /// <c>lm_head.weight</c> is loaded untied whatever this says.</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Longest context the model was trained for (<c>max_position_embeddings</c>); informative, RoPE has no table.</summary>
    public int MaxPositionEmbeddings { get; init; } = 32768;

    /// <summary>Qwen3 only: bias on q/k/v/o (<c>attention_bias</c>). Qwen2 always has q/k/v bias and no o bias.</summary>
    public bool AttentionBias { get; init; }

    /// <summary>Standard deviation of the normal initialisation of from-scratch weights (<c>initializer_range</c>).</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Token ids the config names (kept for a faithful round trip; generation takes EOS from the tokenizer).</summary>
    public int? BosTokenId { get; init; }

    /// <summary>End-of-sequence ids the config names, if any.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>The padding id the config names, if any.</summary>
    public int? PadTokenId { get; init; }

    /// <summary>True for Qwen3's attention (per-head RMSNorm of q and k).</summary>
    public bool UsesQkNorm => ModelType == "qwen3";

    /// <summary>The per-head width actually used.</summary>
    public int HeadDimension => HeadDim ?? HiddenSize / NumAttentionHeads;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate(string source = "DecoderConfig")
    {
        if (ModelType is not ("qwen2" or "qwen3"))
        {
            throw new ArgumentException($"{source}: model_type '{ModelType}' is not qwen2 or qwen3");
        }
        Positive(VocabSize, "vocab_size", source);
        Positive(HiddenSize, "hidden_size", source);
        Positive(IntermediateSize, "intermediate_size", source);
        Positive(NumHiddenLayers, "num_hidden_layers", source);
        Positive(NumAttentionHeads, "num_attention_heads", source);
        Positive(NumKeyValueHeads, "num_key_value_heads", source);
        if (HeadDim is null && HiddenSize % NumAttentionHeads != 0)
        {
            throw new ArgumentException($"{source}: hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads} (and no head_dim is given)");
        }
        if (NumAttentionHeads % NumKeyValueHeads != 0)
        {
            throw new ArgumentException($"{source}: num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {NumKeyValueHeads}");
        }
        if (HeadDimension <= 0 || HeadDimension % 2 != 0)
        {
            throw new ArgumentException($"{source}: head_dim {HeadDimension} must be positive and even (RoPE rotates pairs)");
        }
        if (!(RopeTheta > 1) || !double.IsFinite(RopeTheta))
        {
            throw new ArgumentException($"{source}: rope_theta {RopeTheta} must be a finite number above 1");
        }
        if (!(RmsNormEps > 0))
        {
            throw new ArgumentException($"{source}: rms_norm_eps {RmsNormEps} must be positive");
        }
    }

    private static void Positive(int value, string field, string source)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{source}: {field} must be positive, got {value}");
        }
    }

    /// <summary>Reads a Qwen2/Qwen3 config object (a whole config.json, or Qwen2-Audio's <c>text_config</c>).</summary>
    /// <exception cref="InvalidDataException">A field has the wrong type, an unsupported feature is switched on, or a value is out of range.</exception>
    public static DecoderConfig FromJson(JsonObject node, string source, string defaultModelType = "qwen2")
    {
        var type = JsonFields.String(node, "model_type", source) ?? defaultModelType;
        if (type is not ("qwen2" or "qwen3"))
        {
            throw new InvalidDataException($"{source}: model_type '{type}' is not supported (qwen2, qwen3)");
        }
        var defaults = type == "qwen3" ? new DecoderConfig { ModelType = "qwen3", HeadDim = 128 } : new DecoderConfig();
        if (JsonFields.Bool(node, "use_sliding_window", false, source))
        {
            throw new InvalidDataException($"{source}: use_sliding_window is true; sliding-window attention is not supported");
        }
        var rope = JsonFields.Object(node, "rope_parameters", source) ?? JsonFields.Object(node, "rope_scaling", source);
        var ropeType = rope is null ? null : JsonFields.String(rope, "rope_type", source) ?? JsonFields.String(rope, "type", source);
        if (ropeType is not (null or "default"))
        {
            throw new InvalidDataException($"{source}: rope type '{ropeType}' is not supported (only default RoPE)");
        }
        // transformers 5 writes rope_parameters.rope_theta; older configs write rope_theta at the top.
        var theta = rope is not null && rope["rope_theta"] is not null
            ? JsonFields.Double(rope, "rope_theta", defaults.RopeTheta, source)
            : JsonFields.Double(node, "rope_theta", defaults.RopeTheta, source);
        var heads = JsonFields.Int(node, "num_attention_heads", defaults.NumAttentionHeads, source);
        var config = new DecoderConfig
        {
            ModelType = type,
            VocabSize = JsonFields.Int(node, "vocab_size", defaults.VocabSize, source),
            HiddenSize = JsonFields.Int(node, "hidden_size", defaults.HiddenSize, source),
            IntermediateSize = JsonFields.Int(node, "intermediate_size", defaults.IntermediateSize, source),
            NumHiddenLayers = JsonFields.Int(node, "num_hidden_layers", defaults.NumHiddenLayers, source),
            NumAttentionHeads = heads,
            NumKeyValueHeads = JsonFields.NullableInt(node, "num_key_value_heads", source) ?? heads,
            HeadDim = JsonFields.NullableInt(node, "head_dim", source) ?? defaults.HeadDim,
            RopeTheta = theta,
            RmsNormEps = JsonFields.Double(node, "rms_norm_eps", defaults.RmsNormEps, source),
            TieWordEmbeddings = JsonFields.Bool(node, "tie_word_embeddings", defaults.TieWordEmbeddings, source),
            MaxPositionEmbeddings = JsonFields.Int(node, "max_position_embeddings", defaults.MaxPositionEmbeddings, source),
            AttentionBias = JsonFields.Bool(node, "attention_bias", false, source),
            InitializerRange = JsonFields.Double(node, "initializer_range", defaults.InitializerRange, source),
            BosTokenId = JsonFields.NullableInt(node, "bos_token_id", source),
            EosTokenIds = JsonFields.IntList(node, "eos_token_id", source),
            PadTokenId = JsonFields.NullableInt(node, "pad_token_id", source),
        };
        try
        {
            config.Validate(source);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
        return config;
    }

    /// <summary>Writes the fields transformers reads (legacy <c>rope_theta</c> at the top, which transformers 4 and 5 both accept).</summary>
    public JsonObject ToJson()
    {
        var node = new JsonObject
        {
            ["model_type"] = ModelType,
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["hidden_act"] = "silu",
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rope_theta"] = RopeTheta,
            ["rms_norm_eps"] = RmsNormEps,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["initializer_range"] = InitializerRange,
            ["use_sliding_window"] = false,
            ["attention_dropout"] = 0.0,
        };
        if (ModelType == "qwen3")
        {
            node["head_dim"] = HeadDimension;
            node["attention_bias"] = AttentionBias;
        }
        if (BosTokenId is { } bos)
        {
            node["bos_token_id"] = bos;
        }
        if (EosTokenIds.Count == 1)
        {
            node["eos_token_id"] = EosTokenIds[0];
        }
        else if (EosTokenIds.Count > 1)
        {
            node["eos_token_id"] = new JsonArray(EosTokenIds.Select(i => (JsonNode)i).ToArray());
        }
        if (PadTokenId is { } pad)
        {
            node["pad_token_id"] = pad;
        }
        return node;
    }
}
