using AudioThinker.Data.IO;
using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Loading;
using AudioThinker.Policies.Lora;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>LoRA: which parameters train, merge/unmerge/disable, PEFT files.</summary>
public sealed class LoraTests : IDisposable
{
    private readonly string _root = System.IO.Directory.CreateTempSubdirectory("at-lora-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_root, recursive: true);

    /// <summary>A batch with one audio prompt, so the audio tower is on the gradient path too.</summary>
    internal static (SequenceBatch Batch, AudioInput Audio) AudioBatch(Qwen2AudioForConditionalGeneration model)
    {
        var tokenizer = TinyModels.Tokenizer;
        var frames = 260;
        var prompt = new List<int>(tokenizer.Encode("<|im_start|>user\n<|audio_bos|>"));
        prompt.AddRange(Enumerable.Repeat(tokenizer.TokenToId("<|AUDIO|>")!.Value, AudioEncoderConfig.AudioTokenCount(frames)));
        prompt.AddRange(tokenizer.Encode("<|audio_eos|>How many beeps are there?<|im_end|>\n<|im_start|>assistant\n"));
        IReadOnlyList<IReadOnlyList<int>> prompts = [prompt, TinyModels.TextPrompts()[0]];
        IReadOnlyList<IReadOnlyList<int>> completions = [tokenizer.Encode("<answer>3</answer>"), tokenizer.Encode("<think>I count three beeps.</think><answer>3</answer>")];
        return (SequenceBatch.Create(prompts, completions, tokenizer.PadTokenId), TinyModels.RandomAudio(model, frames));
    }

    private static Tensor Loss(ICausalLanguageModel model, SequenceBatch batch, AudioInput audio) =>
        -TokenLogProbs.Compute(model, batch, audio).sum();

    private static Dictionary<string, Tensor> Snapshot(nn.Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    private static void Train(ICausalLanguageModel model, SequenceBatch batch, AudioInput audio, int steps, double lr = 1e-2)
    {
        model.Module.train();
        using var optimizer = torch.optim.AdamW(model.Module.parameters(), lr: lr);
        for (var i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            Loss(model, batch, audio).backward();
            optimizer.step();
        }
        model.Module.eval();
    }

    [Fact]
    public void OnlyLoraParametersChangeWhenLoraIsOn()
    {
        var model = TinyModels.Create(seed: 21);
        var (batch, audio) = AudioBatch(model);
        var adapted = LoraAdapters.Apply(model, new LoraConfig());
        Assert.Contains("language_model.model.layers.3.mlp.down_proj", adapted);
        Assert.Contains("audio_tower.layers.0.self_attn.q_proj", adapted); // PEFT's suffix match reaches the encoder too
        Assert.DoesNotContain("audio_tower.layers.0.self_attn.out_proj", adapted);
        var before = Snapshot(model);

        Train(model, batch, audio, steps: 3);

        var changed = model.named_parameters().Where(p => !TensorAssert.Same(p.parameter, before[p.name])).Select(p => p.name).ToHashSet();
        var lora = model.named_parameters().Select(p => p.name).Where(n => n.Contains(".lora_", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(adapted.Count * 2, lora.Count);
        Assert.Empty(changed.Except(lora));          // no base weight moved
        Assert.Equal(lora.Order(), changed.Order()); // every adapter did
        Assert.Equal(lora.Count, LoraAdapters.TrainableParameters(model).Count);
    }

    [Fact]
    public void WithoutLoraTheBaseWeightsTrain()
    {
        var model = TinyModels.Create(seed: 22);
        var (batch, audio) = AudioBatch(model);
        var before = Snapshot(model);
        Train(model, batch, audio, steps: 1);
        Assert.False(TensorAssert.Same(before["language_model.model.layers.0.self_attn.q_proj.weight"], model.NamedParameters()["language_model.model.layers.0.self_attn.q_proj.weight"]));
        Assert.False(TensorAssert.Same(before["audio_tower.conv1.weight"], model.NamedParameters()["audio_tower.conv1.weight"]));
        // Whisper's positions are fixed, as in transformers.
        Assert.True(TensorAssert.Same(before["audio_tower.embed_positions.weight"], model.NamedParameters()["audio_tower.embed_positions.weight"]));
    }

    [Fact]
    public void MergeUnmergeAndDisableAgreeWithTheAdapter()
    {
        var model = TinyModels.Create(seed: 23);
        var (batch, audio) = AudioBatch(model);
        using var noGrad0 = torch.no_grad();
        var baseLogProbs = TokenLogProbs.Compute(model, batch, audio);
        LoraAdapters.Apply(model, new LoraConfig { Rank = 4, Alpha = 16 });
        // A fresh adapter (B = 0) changes nothing.
        Assert.True((TokenLogProbs.Compute(model, batch, audio) - baseLogProbs).abs().max().item<float>() < 1e-6);
        using (var gen = new Generator(5, torch.CPU))
        {
            foreach (var (_, layer) in LoraAdapters.Linears(model).Where(l => l.Layer.HasAdapter))
            {
                layer.LoraB!.normal_(0, 0.05, gen);
            }
        }
        var baseWeight = model.NamedParameters()["language_model.model.layers.1.self_attn.v_proj.weight"].detach().clone();
        var adapted = TokenLogProbs.Compute(model, batch, audio);
        Assert.True((adapted - baseLogProbs).abs().max().item<float>() > 1e-3, "the adapter should change the output");

        using (LoraAdapters.Disable(model))
        {
            Assert.True((TokenLogProbs.Compute(model, batch, audio) - baseLogProbs).abs().max().item<float>() < 1e-6);
        }
        LoraAdapters.Merge(model);
        Assert.True((TokenLogProbs.Compute(model, batch, audio) - adapted).abs().max().item<float>() < 1e-4);
        Assert.Throws<InvalidOperationException>(() => LoraAdapters.Disable(model));
        LoraAdapters.Unmerge(model);
        var restored = model.NamedParameters()["language_model.model.layers.1.self_attn.v_proj.weight"];
        Assert.True((restored - baseWeight).abs().max().item<float>() < 1e-6);
        Assert.True((TokenLogProbs.Compute(model, batch, audio) - adapted).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void PeftFilesRoundTripAndUsePeftKeys()
    {
        var trained = TinyModels.Create(seed: 24);
        var (batch, audio) = AudioBatch(trained);
        var config = new LoraConfig { Rank = 4, Alpha = 8, TargetModulesPattern = @"language_model\..*\.(q_proj|v_proj)" };
        var adapted = LoraAdapters.Apply(trained, config);
        Assert.All(adapted, p => Assert.StartsWith("language_model.", p));
        Assert.Equal(8, adapted.Count); // 4 layers × (q, v)
        Train(trained, batch, audio, steps: 2);
        var dir = Path.Combine(_root, "adapter");
        LoraAdapters.SavePeft(trained, dir, config, "tiny-preset");

        var file = SafeTensors.Load(Path.Combine(dir, LoraAdapters.WeightsFile));
        Assert.Contains("base_model.model.language_model.model.layers.0.self_attn.q_proj.lora_A.weight", file.Tensors.Keys);
        Assert.Equal([4L, 256L], file.Tensors["base_model.model.language_model.model.layers.0.self_attn.q_proj.lora_A.weight"].Shape);
        Assert.Equal(16, file.Tensors.Count);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, LoraAdapters.ConfigFile)))!;
        Assert.Equal("LORA", json["peft_type"]!.GetValue<string>());
        Assert.Equal(4, json["r"]!.GetValue<int>());
        Assert.Equal(8.0, json["lora_alpha"]!.GetValue<double>());
        Assert.Equal(config.TargetModulesPattern, json["target_modules"]!.GetValue<string>());

        var fresh = TinyModels.Create(seed: 24);
        var loaded = LoraAdapters.LoadPeft(fresh, dir);
        Assert.Equal(config.TargetModulesPattern, loaded.TargetModulesPattern);
        using var noGrad = torch.no_grad();
        var expected = TokenLogProbs.Compute(trained, batch, audio);
        Assert.True((TokenLogProbs.Compute(fresh, batch, audio) - expected).abs().max().item<float>() < 1e-6);

        // PEFT in memory names keys with the adapter name; such files load too.
        var renamed = Path.Combine(_root, "renamed");
        System.IO.Directory.CreateDirectory(renamed);
        File.Copy(Path.Combine(dir, LoraAdapters.ConfigFile), Path.Combine(renamed, LoraAdapters.ConfigFile));
        SafeTensors.Save(Path.Combine(renamed, LoraAdapters.WeightsFile), file.Tensors.Values.Select(t =>
            SafeTensors.F32(t.Name.Replace(".weight", ".default.weight", StringComparison.Ordinal), t.Shape, file.GetFloats(t.Name))));
        var other = TinyModels.Create(seed: 24);
        LoraAdapters.LoadPeft(other, renamed);
        Assert.True((TokenLogProbs.Compute(other, batch, audio) - expected).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void BadTargetsAndMismatchedAdaptersAreRejected()
    {
        var model = TinyModels.Create(seed: 25);
        Assert.Contains("match no linear layer", Assert.Throws<ArgumentException>(() => LoraAdapters.Apply(model, new LoraConfig { TargetModules = ["qkv"] })).Message);
        var dir = Path.Combine(_root, "rank4");
        var source = TinyModels.Create(seed: 25);
        LoraAdapters.Apply(source, new LoraConfig { Rank = 4 });
        LoraAdapters.SavePeft(source, dir, new LoraConfig { Rank = 4 });
        // Claim rank 8 for rank-4 tensors.
        var configPath = Path.Combine(dir, LoraAdapters.ConfigFile);
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"r\": 4", "\"r\": 8", StringComparison.Ordinal));
        var e = Assert.Throws<CheckpointMismatchException>(() => LoraAdapters.LoadPeft(model, dir));
        Assert.NotEmpty(e.ShapeMismatches);
        Assert.Contains("adapter [4, 256] vs model [8, 256]", e.Message);
        Assert.DoesNotContain(LoraAdapters.Linears(model), l => l.Layer.HasAdapter); // left untouched
        // Nothing was frozen either (only Whisper's fixed positions are, as always).
        Assert.Equal(["audio_tower.embed_positions.weight"], model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name));
    }
}
