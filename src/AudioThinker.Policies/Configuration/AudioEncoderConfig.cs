using System.Text.Json.Nodes;

namespace AudioThinker.Policies.Configuration;

/// <summary>
/// The Whisper-style audio encoder of Qwen2-Audio (Hugging Face <c>Qwen2AudioEncoderConfig</c>; defaults are its class
/// defaults, i.e. Whisper-large-v3's encoder: 128 mel bins, 32 layers, 1280 wide, 1500 positions = 30 s).
/// </summary>
public sealed record AudioEncoderConfig
{
    /// <summary>Mel bins of the input features (<c>num_mel_bins</c>).</summary>
    public int NumMelBins { get; init; } = 128;

    /// <summary>Encoder layers (<c>encoder_layers</c>).</summary>
    public int EncoderLayers { get; init; } = 32;

    /// <summary>Attention heads (<c>encoder_attention_heads</c>).</summary>
    public int EncoderAttentionHeads { get; init; } = 20;

    /// <summary>MLP width (<c>encoder_ffn_dim</c>).</summary>
    public int EncoderFfnDim { get; init; } = 5120;

    /// <summary>Width of the encoder (<c>d_model</c>).</summary>
    public int DModel { get; init; } = 1280;

    /// <summary>Learned positions after the stride-2 convolution (<c>max_source_positions</c>). The encoder takes exactly
    /// twice as many mel frames: 1500 positions = 3000 frames = 30 s at a 10 ms hop.</summary>
    public int MaxSourcePositions { get; init; } = 1500;

    /// <summary>Standard deviation of from-scratch weights (<c>initializer_range</c>).</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Mel frames the encoder takes (<c>2 × max_source_positions</c>).</summary>
    public int InputFrames => 2 * MaxSourcePositions;

    /// <summary>Audio tokens the encoder emits for a full window (after average pooling).</summary>
    public int MaxAudioTokens => AudioTokenCount(InputFrames);

    /// <summary>Audio tokens for <paramref name="validFrames"/> mel frames: the conv2 stride then the pooling, as Hugging Face's
    /// <c>_get_feat_extract_output_lengths</c>: <c>((frames − 1) / 2 + 1 − 2) / 2 + 1</c>.</summary>
    public static int AudioTokenCount(int validFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(validFrames);
        var afterConv = (validFrames - 1) / 2 + 1;
        return (afterConv - 2) / 2 + 1;
    }

    /// <summary>Positions left after the stride-2 convolution for <paramref name="validFrames"/> frames.</summary>
    public static int ConvolvedLength(int validFrames) => (validFrames - 1) / 2 + 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate(string source = "AudioEncoderConfig")
    {
        foreach (var (value, field) in new[]
                 {
                     (NumMelBins, "num_mel_bins"), (EncoderLayers, "encoder_layers"), (EncoderAttentionHeads, "encoder_attention_heads"),
                     (EncoderFfnDim, "encoder_ffn_dim"), (DModel, "d_model"), (MaxSourcePositions, "max_source_positions"),
                 })
        {
            if (value <= 0)
            {
                throw new ArgumentException($"{source}: {field} must be positive, got {value}");
            }
        }
        if (DModel % EncoderAttentionHeads != 0)
        {
            throw new ArgumentException($"{source}: d_model {DModel} is not divisible by encoder_attention_heads {EncoderAttentionHeads}");
        }
        if (MaxSourcePositions < 2)
        {
            throw new ArgumentException($"{source}: max_source_positions must be at least 2 (the pooling halves it), got {MaxSourcePositions}");
        }
    }

    /// <summary>Reads Qwen2-Audio's <c>audio_config</c>.</summary>
    public static AudioEncoderConfig FromJson(JsonObject node, string source)
    {
        var activation = JsonFields.String(node, "activation_function", source) ?? "gelu";
        if (activation != "gelu")
        {
            throw new InvalidDataException($"{source}: audio_config.activation_function '{activation}' is not supported (gelu)");
        }
        if (JsonFields.Bool(node, "scale_embedding", false, source))
        {
            throw new InvalidDataException($"{source}: audio_config.scale_embedding true is not supported");
        }
        var d = new AudioEncoderConfig();
        var config = new AudioEncoderConfig
        {
            NumMelBins = JsonFields.Int(node, "num_mel_bins", d.NumMelBins, source),
            EncoderLayers = JsonFields.Int(node, "encoder_layers", d.EncoderLayers, source),
            EncoderAttentionHeads = JsonFields.Int(node, "encoder_attention_heads", d.EncoderAttentionHeads, source),
            EncoderFfnDim = JsonFields.Int(node, "encoder_ffn_dim", d.EncoderFfnDim, source),
            DModel = JsonFields.Int(node, "d_model", d.DModel, source),
            MaxSourcePositions = JsonFields.Int(node, "max_source_positions", d.MaxSourcePositions, source),
            InitializerRange = JsonFields.Double(node, "initializer_range", d.InitializerRange, source),
        };
        try
        {
            config.Validate(source + " audio_config");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
        return config;
    }

    /// <summary>Writes <c>audio_config</c> as transformers reads it.</summary>
    public JsonObject ToJson() => new()
    {
        ["model_type"] = "qwen2_audio_encoder",
        ["num_mel_bins"] = NumMelBins,
        ["encoder_layers"] = EncoderLayers,
        ["encoder_attention_heads"] = EncoderAttentionHeads,
        ["encoder_ffn_dim"] = EncoderFfnDim,
        ["d_model"] = DModel,
        ["max_source_positions"] = MaxSourcePositions,
        ["activation_function"] = "gelu",
        ["scale_embedding"] = false,
        ["dropout"] = 0.0,
        ["attention_dropout"] = 0.0,
        ["activation_dropout"] = 0.0,
        ["encoder_layerdrop"] = 0.0,
        ["initializer_range"] = InitializerRange,
    };
}
