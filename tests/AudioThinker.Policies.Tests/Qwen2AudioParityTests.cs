using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Loading;
using AudioThinker.Policies.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>The TorchSharp Qwen2-Audio against transformers' own outputs on the qwen2audio_tiny fixture.</summary>
public class Qwen2AudioParityTests(ITestOutputHelper output)
{
    internal static readonly Lazy<Qwen2AudioForConditionalGeneration> Model = new(() =>
    {
        var m = PretrainedModels.LoadQwen2Audio(ModelFixtures.Directory("qwen2audio_tiny"));
        m.eval();
        return m;
    });

    [Fact]
    public void Transformers5KeysLoadIntoHubNames()
    {
        var names = Model.Value.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("language_model.model.layers.0.self_attn.q_proj.bias", names);
        Assert.Contains("language_model.lm_head.weight", names);
        Assert.Contains("audio_tower.embed_positions.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("language_model.model.model.", StringComparison.Ordinal));
        Assert.DoesNotContain("audio_tower.layers.0.self_attn.k_proj.bias", names);
        Assert.Equal(10000.0, Model.Value.Config.Text.RopeTheta);
        Assert.Equal(500, Model.Value.Config.AudioTokenIndex);
    }

    [Fact]
    public void AudioTokenCountsFollowTheFeatureMask()
    {
        var expected = ModelFixtures.Load("qwen2audio_tiny");
        var mask = expected.Longs("feature_attention_mask");
        var frames = Enumerable.Range(0, 2).Select(b => (int)mask.Skip(b * 200).Take(200).Sum()).ToArray();
        Assert.Equal([50, 10], frames.Select(AudioEncoderConfig.AudioTokenCount).ToArray());
    }

    [Fact]
    public void LogitsMatchTransformersOnTheLeftPaddedBatchWithAudio()
    {
        var expected = ModelFixtures.Load("qwen2audio_tiny");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var mask = expected.Long("attention_mask");
        var audio = new AudioInput(expected.Float("input_features"), expected.Long("feature_attention_mask"));
        var logits = Model.Value.Forward(expected.Long("input_ids"), mask, expected.Long("position_ids"), audio);
        var reference = expected.Float("logits");
        Assert.Equal(reference.shape, logits.shape);
        var diff = ModelFixtures.MaxAbsDiffWhereMasked(logits, reference, mask);
        output.WriteLine($"qwen2audio_tiny: max |Δlogit| = {diff:E3}");
        Assert.True(diff <= 1e-4, $"max |Δlogit| = {diff:E3} where attention_mask is 1");
    }

    [Fact]
    public void PlaceholdersWithoutAudioAreRejected()
    {
        var expected = ModelFixtures.Load("qwen2audio_tiny");
        using var noGrad = torch.no_grad();
        var e = Assert.Throws<ArgumentException>(() => Model.Value.Embed(expected.Long("input_ids")));
        Assert.Contains("60 audio placeholders", e.Message);
    }

    [Fact]
    public void AudioTokenCountMismatchIsRejected()
    {
        var expected = ModelFixtures.Load("qwen2audio_tiny");
        using var noGrad = torch.no_grad();
        // Only row 0's clip for both rows' placeholders.
        var audio = new AudioInput(expected.Float("input_features").narrow(0, 0, 1), expected.Long("feature_attention_mask").narrow(0, 0, 1));
        var e = Assert.Throws<ArgumentException>(() => Model.Value.Embed(expected.Long("input_ids"), audio));
        Assert.Contains("give 50 audio tokens but input_ids hold 60", e.Message);
    }

    [Fact]
    public void WrongFrameCountNamesTheExpectedShape()
    {
        using var noGrad = torch.no_grad();
        var audio = new AudioInput(torch.zeros(1, 128, 3000), torch.ones(1, 3000, ScalarType.Int64));
        var e = Assert.Throws<ArgumentException>(() => Model.Value.EncodeAudio(audio));
        Assert.Contains("[clips, 128, 200]", e.Message);
    }
}
