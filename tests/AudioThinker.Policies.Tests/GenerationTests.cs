using AudioThinker.Abstractions;
using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Generation;
using AudioThinker.Policies.Loading;
using AudioThinker.Policies.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>Batched left-padded generation: parity with transformers' greedy output, the KV cache, sampling, stopping.</summary>
public class GenerationTests
{
    private static readonly GenerationOptions Greedy = new() { Temperature = 0, MaxNewTokens = 8, StopStrings = [] };

    /// <summary>Each row's real tokens (attention_mask 1) of a left-padded fixture batch.</summary>
    private static IReadOnlyList<IReadOnlyList<int>> Unpadded(ModelFixtures.Expected expected, int batch)
    {
        var ids = expected.Longs("input_ids");
        var mask = expected.Longs("attention_mask");
        var length = ids.Length / batch;
        return Enumerable.Range(0, batch)
            .Select(b => (IReadOnlyList<int>)Enumerable.Range(0, length).Where(t => mask[b * length + t] == 1).Select(t => (int)ids[b * length + t]).ToList())
            .ToList();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Qwen3GreedyTokensMatchTransformers(bool disableCache)
    {
        var model = PretrainedModels.LoadCausalLm(ModelFixtures.Directory("qwen3_tiny"));
        var expected = ModelFixtures.Load("qwen3_tiny");
        var generator = new TextGenerator(model, null, eosTokenIds: [], padTokenId: 0) { DisableKvCache = disableCache };
        var result = generator.Generate(Unpadded(expected, 2), Greedy);
        Assert.Equal(expected.Longs("generated").Select(t => (int)t), result[1].TokenIds);
        Assert.All(result, r => Assert.True(r.Truncated));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Qwen2AudioGreedyTokensMatchTransformersInAPaddedBatch(bool disableCache)
    {
        var model = Qwen2AudioParityTests.Model.Value;
        var expected = ModelFixtures.Load("qwen2audio_tiny");
        var audio = new AudioInput(expected.Float("input_features"), expected.Long("feature_attention_mask"));
        var generator = new TextGenerator(model, null, eosTokenIds: [], padTokenId: 0) { DisableKvCache = disableCache };
        // Row 1 has 39 padding positions here; transformers generated it alone.
        var result = generator.Generate(Unpadded(expected, 2), Greedy, audio);
        Assert.Equal(expected.Longs("generated").Select(t => (int)t), result[1].TokenIds);
    }

    [Fact]
    public void CachedAndUncachedGreedyGenerationAgreeTokenForToken()
    {
        var model = TinyModels.Create(seed: 3);
        var tokenizer = TinyModels.Tokenizer;
        var audioPrompt = new List<int>(tokenizer.Encode("<|audio_bos|>"));
        audioPrompt.AddRange(Enumerable.Repeat(tokenizer.TokenToId("<|AUDIO|>")!.Value, AudioEncoderConfig.AudioTokenCount(300)));
        audioPrompt.AddRange(tokenizer.Encode("<|audio_eos|>How many beeps are there?"));
        var prompts = TinyModels.TextPrompts().Append(audioPrompt).ToList();
        var audio = TinyModels.RandomAudio(model, 300);
        var options = new GenerationOptions { Temperature = 0, MaxNewTokens = 24, StopStrings = [] };
        var cached = new TextGenerator(model, tokenizer, eosTokenIds: []).Generate(prompts, options, audio);
        var uncached = new TextGenerator(model, tokenizer, eosTokenIds: []) { DisableKvCache = true }.Generate(prompts, options, audio);
        for (var i = 0; i < prompts.Count; i++)
        {
            Assert.Equal(24, cached[i].TokenIds.Count);
            Assert.Equal(uncached[i].TokenIds, cached[i].TokenIds);
            for (var t = 0; t < 24; t++)
            {
                Assert.True(Math.Abs(uncached[i].LogProbs[t] - cached[i].LogProbs[t]) < 1e-4, $"row {i} token {t}: log-probs differ");
            }
        }
    }

    [Fact]
    public void SeededSamplingIsReproducible()
    {
        var model = TinyModels.Create(seed: 1);
        var options = new GenerationOptions { Temperature = 1.0, TopP = 0.95, TopK = 200, MaxNewTokens = 16, StopStrings = [], Seed = 7 };
        var generator = new TextGenerator(model, TinyModels.Tokenizer, eosTokenIds: []);
        var a = generator.Generate(TinyModels.TextPrompts(), options);
        var b = generator.Generate(TinyModels.TextPrompts(), options);
        var c = generator.Generate(TinyModels.TextPrompts(), options with { Seed = 8 });
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].TokenIds, b[i].TokenIds);
            Assert.Equal(a[i].LogProbs, b[i].LogProbs);
        }
        Assert.NotEqual(a.SelectMany(r => r.TokenIds), c.SelectMany(r => r.TokenIds));
    }

    [Fact]
    public void ReturnedLogProbsAreThoseOfAFullForwardAtTheSameTemperature()
    {
        var model = TinyModels.Create(seed: 2);
        var prompts = TinyModels.TextPrompts();
        var options = new GenerationOptions { Temperature = 0.7, MaxNewTokens = 6, StopStrings = [], Seed = 11 };
        var result = new TextGenerator(model, TinyModels.Tokenizer, eosTokenIds: []).Generate(prompts, options);
        using var noGrad = torch.no_grad();
        for (var i = 0; i < prompts.Count; i++)
        {
            // Generated tokens are embedded as plain tokens: a sampled <|AUDIO|> id is not a placeholder.
            using var prompt = torch.tensor(prompts[i].Select(t => (long)t).ToArray(), [1, prompts[i].Count]);
            using var completion = torch.tensor(result[i].TokenIds.Select(t => (long)t).ToArray(), [1, result[i].TokenIds.Count]);
            using var embeds = torch.cat([model.Embed(prompt), model.EmbedTokens(completion)], 1);
            var length = prompts[i].Count + result[i].TokenIds.Count;
            using var mask = torch.ones([1, length], ScalarType.Int64);
            using var logits = model.Logits(model.Decode(embeds, mask, AttentionMasks.PositionIds(mask)));
            using var logProbs = (logits / 0.7).log_softmax(-1);
            for (var t = 0; t < result[i].TokenIds.Count; t++)
            {
                var position = prompts[i].Count + t - 1;
                var reference = logProbs[0, position, result[i].TokenIds[t]].item<float>();
                Assert.True(Math.Abs(reference - result[i].LogProbs[t]) < 1e-4, $"row {i} token {t}: {result[i].LogProbs[t]} vs {reference}");
            }
        }
    }

    [Fact]
    public void AnEosTokenEndsItsRowOnlyAndIsKept()
    {
        var model = TinyModels.Create(seed: 4);
        var prompts = TinyModels.TextPrompts();
        var options = new GenerationOptions { Temperature = 0, MaxNewTokens = 10, StopStrings = [] };
        var free = new TextGenerator(model, TinyModels.Tokenizer, eosTokenIds: []).Generate(prompts, options);
        // The token row 0 emits third, unless it appeared earlier in that row.
        var eos = free[0].TokenIds[2];
        var firstIndex = free[0].TokenIds.ToList().IndexOf(eos);
        var stopped = new TextGenerator(model, TinyModels.Tokenizer, eosTokenIds: [eos]).Generate(prompts, options);
        Assert.Equal(free[0].TokenIds.Take(firstIndex + 1), stopped[0].TokenIds);
        Assert.Equal(FinishReason.EndOfSequence, stopped[0].Reason);
        Assert.False(stopped[0].Truncated);
        for (var i = 1; i < prompts.Count; i++)
        {
            var cut = free[i].TokenIds.ToList().IndexOf(eos);
            Assert.Equal(cut < 0 ? free[i].TokenIds : free[i].TokenIds.Take(cut + 1), stopped[i].TokenIds);
        }
    }

    [Fact]
    public void AStopStringEndsGenerationOnceTheTextContainsIt()
    {
        var model = TinyModels.Create(seed: 5);
        var tokenizer = TinyModels.Tokenizer;
        var prompts = TinyModels.TextPrompts();
        var options = new GenerationOptions { Temperature = 0, MaxNewTokens = 12, StopStrings = [] };
        var free = new TextGenerator(model, tokenizer, eosTokenIds: []).Generate(prompts, options);
        var text = tokenizer.Decode(free[0].TokenIds.Skip(3).Take(2));
        var stop = text.Length > 3 ? text[^3..] : text;
        var stopped = new TextGenerator(model, tokenizer, eosTokenIds: []).Generate(prompts, options with { StopStrings = [stop] });
        for (var i = 0; i < prompts.Count; i++)
        {
            // Oracle: the first prefix whose decoded text contains the stop string.
            var expectedLength = Enumerable.Range(1, free[i].TokenIds.Count)
                .FirstOrDefault(n => tokenizer.Decode(free[i].TokenIds.Take(n)).Contains(stop, StringComparison.Ordinal));
            if (expectedLength == 0)
            {
                Assert.Equal(free[i].TokenIds, stopped[i].TokenIds);
                Assert.True(stopped[i].Truncated);
            }
            else
            {
                Assert.Equal(free[i].TokenIds.Take(expectedLength), stopped[i].TokenIds);
                Assert.Equal(FinishReason.StopString, stopped[i].Reason);
            }
        }
        Assert.Equal(FinishReason.StopString, stopped[0].Reason);
    }

    [Fact]
    public void TopKOfOneAndATinyNucleusAreGreedy()
    {
        var model = TinyModels.Create(seed: 6);
        var generator = new TextGenerator(model, TinyModels.Tokenizer, eosTokenIds: []);
        var prompts = TinyModels.TextPrompts();
        var greedy = generator.Generate(prompts, new GenerationOptions { Temperature = 0, MaxNewTokens = 8, StopStrings = [] });
        var topK = generator.Generate(prompts, new GenerationOptions { Temperature = 1.5, TopK = 1, MaxNewTokens = 8, StopStrings = [], Seed = 1 });
        var topP = generator.Generate(prompts, new GenerationOptions { Temperature = 1.5, TopP = 1e-6, MaxNewTokens = 8, StopStrings = [], Seed = 2 });
        for (var i = 0; i < prompts.Count; i++)
        {
            Assert.Equal(greedy[i].TokenIds, topK[i].TokenIds);
            Assert.Equal(greedy[i].TokenIds, topP[i].TokenIds);
        }
    }

    [Fact]
    public void RestrictKeepsTheTopKThenTheNucleus()
    {
        TorchSetup.Ensure();
        // softmax of these is [0.5, 0.3, 0.15, 0.05] (log-probabilities as logits).
        using var logits = torch.tensor(new[] { MathF.Log(0.15f), MathF.Log(0.5f), MathF.Log(0.05f), MathF.Log(0.3f) }).view(1, 4);
        static bool[] Kept(Tensor t) => t.data<float>().ToArray().Select(float.IsFinite).ToArray();
        Assert.Equal([true, true, false, true], Kept(TokenSampler.Restrict(logits, topK: 3, topP: 1.0)));
        Assert.Equal([false, true, false, false], Kept(TokenSampler.Restrict(logits, topK: 0, topP: 0.5)));
        Assert.Equal([false, true, false, true], Kept(TokenSampler.Restrict(logits, topK: 0, topP: 0.8)));
        Assert.Equal([true, true, false, true], Kept(TokenSampler.Restrict(logits, topK: 0, topP: 0.81)));
        Assert.Equal([false, true, false, true], Kept(TokenSampler.Restrict(logits, topK: 2, topP: 0.99)));
    }

    [Fact]
    public void BadOptionsAreNamed()
    {
        var model = TinyModels.Create();
        var generator = new TextGenerator(model, TinyModels.Tokenizer);
        var prompts = TinyModels.TextPrompts();
        Assert.Contains("TopP", Assert.Throws<ArgumentException>(() => generator.Generate(prompts, new GenerationOptions { TopP = 0 })).Message);
        Assert.Contains("Temperature", Assert.Throws<ArgumentException>(() => generator.Generate(prompts, new GenerationOptions { Temperature = -1 })).Message);
        Assert.Contains("MaxNewTokens", Assert.Throws<ArgumentException>(() => generator.Generate(prompts, new GenerationOptions { MaxNewTokens = 0 })).Message);
        Assert.Contains("prompt 1 is empty", Assert.Throws<ArgumentException>(() => generator.Generate([prompts[0], []], Greedy)).Message);
        var noTokenizer = new TextGenerator(model, null, eosTokenIds: [], padTokenId: 0);
        Assert.Contains("stop strings need a tokenizer", Assert.Throws<ArgumentException>(() => noTokenizer.Generate(prompts, new GenerationOptions())).Message);
    }
}
