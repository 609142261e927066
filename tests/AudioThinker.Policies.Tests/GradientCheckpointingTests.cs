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
        torch.manual_seed(77);
        LoraAdapters.SeedDropout(model, 77); // the same dropout masks in both runs
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

    private static Audio.Qwen2AudioForConditionalGeneration AdaptedModel(double dropout)
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
        return model;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void LoraGradientsFlowThroughCheckpointedLayersWithFrozenEmbeddings(double dropout)
    {
        var model = AdaptedModel(dropout);
        var stored = Gradients(model, checkpointing: false);
        var recomputed = Gradients(model, checkpointing: true);
        Assert.All(stored.Keys, k => Assert.Contains(".lora_", k));
        Assert.Equal(4 * 7 * 2, stored.Count);
        AssertSame(stored, recomputed);
    }

    [Fact]
    public async Task DropoutMasksReplayWhileOtherThreadsDrawFromTheGlobalGenerator()
    {
        // The CI failure this guards against: xunit runs other classes in parallel, and their draws from torch's
        // process-wide generator landed between a checkpointed forward and its replay.
        var model = AdaptedModel(0.3);
        Assert.Single(LoraAdapters.DropoutGenerators(model));
        var stop = false;
        var noise = Task.Run(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                using var r = torch.rand(64);
            }
        });
        try
        {
            var stored = Gradients(model, checkpointing: false);
            for (var i = 0; i < 3; i++)
            {
                AssertSame(stored, Gradients(model, checkpointing: true));
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            await noise;
        }
    }

    [Fact]
    public void DropoutIsActiveAndSeededPerModel()
    {
        var model = AdaptedModel(0.3);
        var first = Gradients(model, checkpointing: false);
        var again = Gradients(model, checkpointing: false);
        AssertSame(first, again);
        LoraAdapters.SeedDropout(model, 78);
        model.train();
        model.zero_grad();
        var (batch, audio) = LoraTests.AudioBatch(model);
        (-TokenLogProbs.Compute(model, batch, audio).sum()).backward();
        var name = first.Keys.First(k => k.EndsWith("lora_A.weight", StringComparison.Ordinal));
        var other = model.named_parameters().First(p => p.name == name).parameter.grad!;
        Assert.True((first[name] - other).abs().max().item<float>() > 1e-6, "another seed draws other masks");
        model.eval();
    }
}
