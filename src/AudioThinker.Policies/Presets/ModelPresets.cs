using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Runtime;
using AudioThinker.Policies.Text;
using AudioThinker.Policies.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Presets;

/// <summary>
/// Named from-scratch model sizes for experiments that cannot use the 7B checkpoint: the same Qwen2-Audio and Qwen3
/// architectures, shrunk. The vocabulary comes from the tokenizer (the compact tokenizer of the quickstart has a few
/// thousand ids), the audio window is short (a few seconds), and <c>tiny</c> trains on two CPU cores in minutes.
/// </summary>
/// <remarks>
/// | preset | audio encoder | decoder | window | parameters (4k vocab) |
/// | --- | --- | --- | --- | --- |
/// | tiny | 2 × 128, 80 mels | 4 × 256, 4 heads / 2 KV | 4 s (200 positions) | ≈ 4.5 M |
/// | small | 4 × 256, 80 mels | 8 × 512, 8 heads / 4 KV | 10 s (500 positions) | ≈ 29 M |
/// </remarks>
public static class ModelPresets
{
    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "small"];

    /// <summary>A Qwen2-Audio configuration for preset <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown preset, or an audio token id outside the vocabulary.</exception>
    public static Qwen2AudioConfig Qwen2Audio(string name, int vocabSize, int audioTokenIndex)
    {
        var (audio, text) = Sizes(name);
        var config = new Qwen2AudioConfig
        {
            Audio = audio,
            Text = text with { ModelType = "qwen2", VocabSize = vocabSize },
            AudioTokenIndex = audioTokenIndex,
        };
        config.Validate($"preset '{name}'");
        return config;
    }

    /// <summary>A Qwen2-Audio configuration sized for <paramref name="tokenizer"/> (its <c>&lt;|AUDIO|&gt;</c> id is the placeholder).</summary>
    public static Qwen2AudioConfig Qwen2Audio(string name, ITextTokenizer tokenizer)
    {
        var audioId = tokenizer.TokenToId("<|AUDIO|>")
                      ?? throw new ArgumentException("the tokenizer has no <|AUDIO|> token, which Qwen2-Audio's prompts need", nameof(tokenizer));
        return Qwen2Audio(name, tokenizer.VocabularySize, audioId);
    }

    /// <summary>A Qwen3 decoder configuration for preset <paramref name="name"/> (e.g. an in-process judge for tests).</summary>
    public static DecoderConfig Qwen3(string name, int vocabSize)
    {
        var (_, text) = Sizes(name);
        var config = text with { ModelType = "qwen3", VocabSize = vocabSize, HeadDim = text.HiddenSize / text.NumAttentionHeads };
        config.Validate($"preset '{name}'");
        return config;
    }

    /// <summary>A freshly initialised Qwen2-Audio of preset <paramref name="name"/>, reproducible from <paramref name="seed"/>.</summary>
    public static Qwen2AudioForConditionalGeneration CreateQwen2Audio(string name, ITextTokenizer tokenizer, long seed = 0,
        ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        TorchRuntime.Initialize();
        using var generator = new Generator((ulong)seed, torch.CPU);
        var factory = new ParameterFactory(device ?? TorchRuntime.Device, dtype, initialize: true, generator: (device ?? TorchRuntime.Device).type == DeviceType.CPU ? generator : null);
        return new Qwen2AudioForConditionalGeneration(Qwen2Audio(name, tokenizer), factory);
    }

    /// <summary>A freshly initialised Qwen3 of preset <paramref name="name"/>, reproducible from <paramref name="seed"/>.</summary>
    public static CausalLanguageModel CreateQwen3(string name, int vocabSize, long seed = 0, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        TorchRuntime.Initialize();
        using var generator = new Generator((ulong)seed, torch.CPU);
        var factory = new ParameterFactory(device ?? TorchRuntime.Device, dtype, initialize: true, generator: (device ?? TorchRuntime.Device).type == DeviceType.CPU ? generator : null);
        return new CausalLanguageModel(Qwen3(name, vocabSize), factory);
    }

    private static (AudioEncoderConfig Audio, DecoderConfig Text) Sizes(string name) => name switch
    {
        "tiny" => (
            new AudioEncoderConfig { NumMelBins = 80, EncoderLayers = 2, EncoderAttentionHeads = 4, EncoderFfnDim = 512, DModel = 128, MaxSourcePositions = 200 },
            new DecoderConfig
            {
                HiddenSize = 256,
                IntermediateSize = 704,
                NumHiddenLayers = 4,
                NumAttentionHeads = 4,
                NumKeyValueHeads = 2,
                RopeTheta = 10000,
                RmsNormEps = 1e-6,
                TieWordEmbeddings = true,
                MaxPositionEmbeddings = 2048,
            }),
        "small" => (
            new AudioEncoderConfig { NumMelBins = 80, EncoderLayers = 4, EncoderAttentionHeads = 4, EncoderFfnDim = 1024, DModel = 256, MaxSourcePositions = 500 },
            new DecoderConfig
            {
                HiddenSize = 512,
                IntermediateSize = 1408,
                NumHiddenLayers = 8,
                NumAttentionHeads = 8,
                NumKeyValueHeads = 4,
                RopeTheta = 10000,
                RmsNormEps = 1e-6,
                TieWordEmbeddings = true,
                MaxPositionEmbeddings = 4096,
            }),
        _ => throw new ArgumentException($"unknown model preset '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
    };
}
