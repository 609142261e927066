using AudioThinker.Policies.Loading;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>The TorchSharp Qwen3 against transformers' own outputs on the qwen3_tiny fixture.</summary>
public class Qwen3ParityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Lazy<CausalLanguageModel> Model = new(() =>
    {
        var m = CausalLanguageModel.FromPretrained(ModelFixtures.Directory("qwen3_tiny"));
        m.eval();
        return m;
    });

    [Fact]
    public void ConfigIsReadFromTransformers5Layout()
    {
        var config = Model.Value.Config;
        Assert.Equal("qwen3", config.ModelType);
        Assert.Equal(1_000_000.0, config.RopeTheta); // rope_parameters.rope_theta
        Assert.Equal(16, config.HeadDimension);
        Assert.True(config.TieWordEmbeddings);
        Assert.Null(Model.Value.LmHead);
    }

    [Fact]
    public void LogitsMatchTransformersOnTheLeftPaddedBatch()
    {
        var expected = ModelFixtures.Load("qwen3_tiny");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var mask = expected.Long("attention_mask");
        var logits = Model.Value.Forward(expected.Long("input_ids"), mask, expected.Long("position_ids"));
        var reference = expected.Float("logits");
        Assert.Equal(reference.shape, logits.shape);
        var diff = ModelFixtures.MaxAbsDiffWhereMasked(logits, reference, mask);
        output.WriteLine($"qwen3_tiny: max |Δlogit| = {diff:E3}");
        Assert.True(diff <= 1e-4, $"max |Δlogit| = {diff:E3} where attention_mask is 1");
    }

    [Fact]
    public void DefaultPositionIdsAreTransformersOnes()
    {
        var expected = ModelFixtures.Load("qwen3_tiny");
        using var positions = AttentionMasks.PositionIds(expected.Long("attention_mask"));
        Assert.Equal(expected.Longs("position_ids"), positions.data<long>().ToArray());
    }
}
