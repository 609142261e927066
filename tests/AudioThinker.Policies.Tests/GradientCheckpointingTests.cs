using AudioThinker.Policies.Lora;
using AudioThinker.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>Checkpointed decoder layers give the same gradients as stored activations.</summary>
public class GradientCheckpointingTests
{
    private static Dictionary<string, Tensor> Gradients(Audio.Qwen2AudioForConditionalGeneration model, bool checkpointing)
    {
        var (batch, audio) = LoraTests.AudioBatch(model);
        model.train();
        model.GradientCheckpointing = checkpointing;
        model.zero_grad();
        torch.manual_seed(77); // the same dropout masks in both runs
        (-TokenLogProbs.Compute(model, batch, audio).sum()).backward();
        var grads = model.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        model.GradientCheckpointing = false;
        model.eval();
        return grads;
    }

    private static void AssertSame(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, g) in expected)
        {
            var scale = g.abs().max().item<float>();
            var diff = (g - actual[name]).abs().max().item<float>();
            Assert.True(diff <= 1e-6 + 1e-5 * scale, $"{name}: max |Δgrad| = {diff} (scale {scale})");
        }
    }

    [Fact]
    public void FullFineTuningGradientsAreUnchanged()
    {
        var model = TinyModels.Create(seed: 31);
        var stored = Gradients(model, checkpointing: false);
        var recomputed = Gradients(model, checkpointing: true);
        Assert.Contains("language_model.model.layers.2.self_attn.k_proj.weight", stored.Keys);
        AssertSame(stored, recomputed);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void LoraGradientsFlowThroughCheckpointedLayersWithFrozenEmbeddings(double dropout)
    {
        var model = TinyModels.Create(seed: 32);
        LoraAdapters.Apply(model, new LoraConfig { TargetModulesPattern = @"language_model\..*", Dropout = dropout });
        using (var gen = new Generator(1, torch.CPU))
        using (torch.no_grad())
        {
            foreach (var (_, layer) in LoraAdapters.Linears(model).Where(l => l.Layer.HasAdapter))
            {
                layer.LoraB!.normal_(0, 0.02, gen); // so lora_A's gradient is not zero either
            }
        }
        var stored = Gradients(model, checkpointing: false);
        var recomputed = Gradients(model, checkpointing: true);
        Assert.All(stored.Keys, k => Assert.Contains(".lora_", k));
        Assert.Equal(4 * 7 * 2, stored.Count);
        AssertSame(stored, recomputed);
    }
}
