using System.Text.Json.Nodes;
using AudioThinker.Data.IO;
using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Loading;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>FromPretrained / SavePretrained: layouts, shards, dtypes, ties and error reports.</summary>
public sealed class PretrainedLoadingTests : IDisposable
{
    private readonly string _root = System.IO.Directory.CreateTempSubdirectory("at-ckpt-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    private static Tensor Qwen2AudioLogits(ICausalLanguageModel model)
    {
        var e = ModelFixtures.Load("qwen2audio_tiny");
        using var noGrad = torch.no_grad();
        var audio = new AudioInput(e.Float("input_features"), e.Long("feature_attention_mask"));
        return model.Forward(e.Long("input_ids"), e.Long("attention_mask"), e.Long("position_ids"), audio);
    }

    private static void AssertSameParameters(ICausalLanguageModel a, ICausalLanguageModel b)
    {
        var pa = a.NamedParameters();
        var pb = b.NamedParameters();
        Assert.Equal(pa.Keys.Order(), pb.Keys.Order());
        foreach (var (name, p) in pa)
        {
            Assert.True(TensorAssert.Same(p, pb[name]), $"parameter {name} differs after the round trip");
        }
    }

    [Fact]
    public void SaveWritesTheHubLayoutAndReloadsIdentically()
    {
        var original = Qwen2AudioParityTests.Model.Value;
        original.SavePretrained(Dir("hub"));
        var file = SafeTensors.Load(Path.Combine(Dir("hub"), "model.safetensors"));
        Assert.Contains("language_model.model.layers.1.mlp.down_proj.weight", file.Tensors.Keys);
        Assert.DoesNotContain(file.Tensors.Keys, k => k.StartsWith("language_model.model.model.", StringComparison.Ordinal));
        Assert.Equal("pt", file.Metadata["format"]);
        var reloaded = Qwen2AudioForConditionalGeneration.FromPretrained(Dir("hub"));
        AssertSameParameters(original, reloaded);
        using var diff = (Qwen2AudioLogits(original) - Qwen2AudioLogits(reloaded)).abs().max();
        Assert.Equal(0f, diff.item<float>());
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Dir("hub"), "config.json")))!;
        Assert.Equal("qwen2_audio", config["model_type"]!.GetValue<string>());
        Assert.Equal(10000.0, config["text_config"]!["rope_theta"]!.GetValue<double>());
    }

    [Fact]
    public void ShardedCheckpointsRoundTripThroughTheIndex()
    {
        var original = Qwen2AudioParityTests.Model.Value;
        PretrainedModels.Save(original, Dir("sharded"), new SaveOptions { MaxShardBytes = 300_000 });
        var shards = System.IO.Directory.GetFiles(Dir("sharded"), "model-*-of-*.safetensors");
        Assert.True(shards.Length >= 3, $"expected several shards, got {shards.Length}");
        Assert.False(File.Exists(Path.Combine(Dir("sharded"), "model.safetensors")));
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(Dir("sharded"), "model.safetensors.index.json")))!;
        Assert.Equal(original.NamedParameters().Count, index["weight_map"]!.AsObject().Count);
        Assert.Equal(original.ParameterCount() * 4, index["metadata"]!["total_size"]!.GetValue<long>());
        var reloaded = (Qwen2AudioForConditionalGeneration)PretrainedModels.Load(Dir("sharded"));
        AssertSameParameters(original, reloaded);
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, "BF16")]
    [InlineData(ScalarType.Float16, "F16")]
    public void HalfPrecisionFilesLoadAsTheirRoundedValues(ScalarType stored, string dtypeName)
    {
        var original = Qwen2AudioParityTests.Model.Value;
        PretrainedModels.Save(original, Dir(dtypeName), new SaveOptions { DType = stored });
        var file = SafeTensors.Load(Path.Combine(Dir(dtypeName), "model.safetensors"));
        Assert.All(file.Tensors.Values, t => Assert.Equal(dtypeName, t.DType.ToString()));
        var reloaded = PretrainedModels.LoadQwen2Audio(Dir(dtypeName));
        Assert.Equal(ScalarType.Float32, reloaded.DType);
        foreach (var (name, p) in original.NamedParameters())
        {
            using var rounded = p.to_type(stored).to_type(ScalarType.Float32);
            Assert.True(TensorAssert.Same(rounded, reloaded.NamedParameters()[name]), $"{name}: {dtypeName} values were not loaded exactly");
        }
        var asStored = PretrainedModels.LoadQwen2Audio(Dir(dtypeName), new LoadOptions { DType = stored });
        Assert.All(asStored.parameters(), p => Assert.Equal(stored, p.dtype));
    }

    [Fact]
    public void LegacyRopeThetaAtTheTopIsRead()
    {
        var qwen3 = PretrainedModels.LoadCausalLm(ModelFixtures.Directory("qwen3_tiny"));
        PretrainedModels.Save(qwen3, Dir("legacy"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Dir("legacy"), "config.json")))!.AsObject();
        Assert.Null(config["rope_parameters"]);
        Assert.Equal(1_000_000.0, config["rope_theta"]!.GetValue<double>());
        Assert.Equal(1_000_000.0, PretrainedModels.LoadCausalLm(Dir("legacy")).Config.RopeTheta);
    }

    [Fact]
    public void TiedEmbeddingsAreNotSavedTwice()
    {
        var qwen3 = PretrainedModels.LoadCausalLm(ModelFixtures.Directory("qwen3_tiny"));
        PretrainedModels.Save(qwen3, Dir("tied"));
        var file = SafeTensors.Load(Path.Combine(Dir("tied"), "model.safetensors"));
        Assert.DoesNotContain("lm_head.weight", file.Tensors.Keys);
        Assert.Contains("model.layers.0.self_attn.q_norm.weight", file.Tensors.Keys);
    }

    [Fact]
    public void AnLmHeadInTheFileWinsOverTieWordEmbeddings()
    {
        var source = ModelFixtures.Directory("qwen3_tiny");
        var dir = Dir("head");
        System.IO.Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(dir, "config.json")); // says tie_word_embeddings: true
        var file = SafeTensors.Load(Path.Combine(source, "model.safetensors"));
        var entries = file.Tensors.Values.Select(t => SafeTensors.F32(t.Name, t.Shape, file.GetFloats(t.Name))).ToList();
        var head = Enumerable.Range(0, 512 * 64).Select(i => MathF.Sin(i * 0.37f) * 0.05f).ToArray();
        entries.Add(SafeTensors.F32("lm_head.weight", [512, 64], head));
        SafeTensors.Save(Path.Combine(dir, "model.safetensors"), entries);

        var model = PretrainedModels.LoadCausalLm(dir);
        Assert.NotNull(model.LmHead);
        Assert.False(model.Config.TieWordEmbeddings);
        Assert.Equal(head, model.LmHead!.Weight.data<float>().ToArray());
        Assert.False(TensorAssert.Same(model.OutputWeight, model.Decoder.EmbedTokens.Weight));
    }

    [Fact]
    public void MismatchesListMissingUnexpectedAndShapes()
    {
        var source = ModelFixtures.Directory("qwen3_tiny");
        var dir = Dir("bad");
        System.IO.Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(dir, "config.json"));
        var file = SafeTensors.Load(Path.Combine(source, "model.safetensors"));
        var entries = file.Tensors.Values
            .Where(t => t.Name != "model.layers.1.mlp.up_proj.weight")
            .Select(t => t.Name == "model.norm.weight"
                ? SafeTensors.F32(t.Name, [32], new float[32])
                : SafeTensors.F32(t.Name, t.Shape, file.GetFloats(t.Name)))
            .Append(SafeTensors.F32("model.layers.0.mlp.extra.weight", [2], [1, 2]))
            .ToList();
        SafeTensors.Save(Path.Combine(dir, "model.safetensors"), entries);

        var e = Assert.Throws<CheckpointMismatchException>(() => PretrainedModels.LoadCausalLm(dir));
        Assert.Equal(["model.layers.1.mlp.up_proj.weight"], e.Missing);
        Assert.Equal(["model.layers.0.mlp.extra.weight"], e.Unexpected);
        Assert.Equal(["model.norm.weight: checkpoint [32] vs model [64]"], e.ShapeMismatches);
        Assert.Contains(dir, e.Message);
        Assert.Contains("missing keys (1)", e.Message);
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        var dir = Dir("empty");
        System.IO.Directory.CreateDirectory(dir);
        Assert.Contains("no config.json", Assert.Throws<InvalidDataException>(() => PretrainedModels.Load(dir)).Message);
        File.Copy(Path.Combine(ModelFixtures.Directory("qwen3_tiny"), "config.json"), Path.Combine(dir, "config.json"));
        var e = Assert.Throws<InvalidDataException>(() => PretrainedModels.Load(dir));
        Assert.Contains("no model.safetensors or model.safetensors.index.json", e.Message);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void AShardMissingFromTheIndexIsNamed()
    {
        PretrainedModels.Save(Qwen2AudioParityTests.Model.Value, Dir("broken"), new SaveOptions { MaxShardBytes = 300_000 });
        var victim = System.IO.Directory.GetFiles(Dir("broken"), "model-00002-of-*.safetensors").Single();
        File.Delete(victim);
        var e = Assert.Throws<InvalidDataException>(() => PretrainedModels.Load(Dir("broken")));
        Assert.Contains(Path.GetFileName(victim), e.Message);
    }

    [Fact]
    public void BadConfigFieldsAreNamed()
    {
        var dir = Dir("badconfig");
        System.IO.Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "qwen3", "hidden_size": "wide"}""");
        Assert.Contains("'hidden_size'", Assert.Throws<InvalidDataException>(() => PretrainedModels.Load(dir)).Message);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "qwen3", "num_attention_heads": 6, "num_key_value_heads": 4}""");
        Assert.Contains("num_key_value_heads 4", Assert.Throws<InvalidDataException>(() => PretrainedModels.Load(dir)).Message);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "qwen2", "rope_scaling": {"rope_type": "yarn", "factor": 4}}""");
        Assert.Contains("yarn", Assert.Throws<InvalidDataException>(() => PretrainedModels.Load(dir)).Message);
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "llama"}""");
        Assert.Contains("'llama'", Assert.Throws<InvalidDataException>(() => PretrainedModels.Load(dir)).Message);
    }
}
