using AudioThinker.Policies.Models;
using AudioThinker.Policies.Presets;
using Xunit.Abstractions;

namespace AudioThinker.Policies.Tests;

/// <summary>The from-scratch presets.</summary>
public class PresetTests(ITestOutputHelper output)
{
    [Fact]
    public void TinyIsAFewMillionParametersWithAFourSecondWindow()
    {
        var config = ModelPresets.Qwen2Audio("tiny", vocabSize: 4096, audioTokenIndex: 4);
        Assert.Equal(200, config.Audio.MaxSourcePositions);
        Assert.Equal(400, config.Audio.InputFrames); // 4 s at a 10 ms hop
        Assert.Equal(100, config.Audio.MaxAudioTokens);
        Assert.Equal("qwen2", config.Text.ModelType);
        TorchSetup.Ensure();
        using var model = new Audio.Qwen2AudioForConditionalGeneration(config, new Layers.ParameterFactory(TorchSharp.torch.CPU, TorchSharp.torch.ScalarType.Float32, initialize: false));
        var count = model.ParameterCount();
        output.WriteLine($"tiny with a 4096-token vocabulary: {count:N0} parameters");
        Assert.InRange(count, 2_000_000, 8_000_000);
    }

    [Fact]
    public void SizesComeFromTheTokenizerAndSeedsReproduce()
    {
        var tokenizer = TinyModels.Tokenizer;
        var a = TinyModels.Create(seed: 7);
        var b = TinyModels.Create(seed: 7);
        var c = TinyModels.Create(seed: 8);
        Assert.Equal(tokenizer.VocabularySize, a.Config.Text.VocabSize);
        Assert.Equal(tokenizer.TokenToId("<|AUDIO|>"), a.Config.AudioTokenIndex);
        var pa = a.NamedParameters();
        Assert.All(b.NamedParameters(), p => Assert.True(TensorAssert.Same(pa[p.Key], p.Value), p.Key));
        Assert.False(TensorAssert.Same(pa["language_model.model.layers.0.mlp.up_proj.weight"], c.NamedParameters()["language_model.model.layers.0.mlp.up_proj.weight"]));
        // Hugging Face's initialisation: norms at one, biases at zero, matrices at σ = 0.02.
        using var norm = pa["language_model.model.norm.weight"].mean();
        Assert.Equal(1f, norm.item<float>());
        using var bias = pa["language_model.model.layers.0.self_attn.q_proj.bias"].abs().max();
        Assert.Equal(0f, bias.item<float>());
        using var std = pa["language_model.model.layers.0.mlp.up_proj.weight"].std();
        Assert.InRange(std.item<float>(), 0.019f, 0.021f);
    }

    [Fact]
    public void UnknownPresetsAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelPresets.Qwen2Audio("huge", 100, 4));
        Assert.Contains("'huge'", e.Message);
        Assert.Contains("tiny", e.Message);
        Assert.Contains("audio_token_index 500", Assert.Throws<ArgumentException>(() => ModelPresets.Qwen2Audio("tiny", 100, 500)).Message);
    }
}
