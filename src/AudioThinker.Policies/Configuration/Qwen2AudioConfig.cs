using System.Text.Json.Nodes;

namespace AudioThinker.Policies.Configuration;

/// <summary>Qwen2-Audio: an audio encoder, a linear projector and a Qwen2 decoder (Hugging Face <c>Qwen2AudioConfig</c>).</summary>
public sealed record Qwen2AudioConfig
{
    /// <summary>The audio encoder.</summary>
    public AudioEncoderConfig Audio { get; init; } = new();

    /// <summary>The text decoder (always <c>qwen2</c> in released checkpoints).</summary>
    public DecoderConfig Text { get; init; } = new();

    /// <summary>The id of <c>&lt;|AUDIO|&gt;</c>, whose positions receive the projected audio features (<c>audio_token_index</c>).</summary>
    public int AudioTokenIndex { get; init; } = 151646;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate(string source = "Qwen2AudioConfig")
    {
        Audio.Validate(source + " audio_config");
        Text.Validate(source + " text_config");
        if (AudioTokenIndex < 0 || AudioTokenIndex >= Text.VocabSize)
        {
            throw new ArgumentException($"{source}: audio_token_index {AudioTokenIndex} is outside the vocabulary [0, {Text.VocabSize})");
        }
    }

    /// <summary>Reads a Qwen2-Audio config.json object.</summary>
    public static Qwen2AudioConfig FromJson(JsonObject node, string source)
    {
        var audio = JsonFields.Object(node, "audio_config", source) ?? new JsonObject();
        var text = JsonFields.Object(node, "text_config", source) ?? new JsonObject();
        var config = new Qwen2AudioConfig
        {
            Audio = AudioEncoderConfig.FromJson(audio, source),
            Text = DecoderConfig.FromJson(text, source + " text_config"),
            AudioTokenIndex = JsonFields.Int(node, "audio_token_index", 151646, source),
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

    /// <summary>Writes config.json as transformers reads it.</summary>
    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray("Qwen2AudioForConditionalGeneration"),
        ["model_type"] = "qwen2_audio",
        ["audio_token_index"] = AudioTokenIndex,
        ["audio_config"] = Audio.ToJson(),
        ["text_config"] = Text.ToJson(),
    };
}
