using AudioThinker.Policies.Models;
using AudioThinker.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>Chunked completion log-probabilities against the naive full log_softmax, values and gradients.</summary>
public class TokenLogProbsTests
{
    private static SequenceBatch Batch()
    {
        var tokenizer = TinyModels.Tokenizer;
        var prompts = TinyModels.TextPrompts();
        IReadOnlyList<IReadOnlyList<int>> completions =
        [
            tokenizer.Encode("<answer>3</answer><|im_end|>"),
            tokenizer.Encode("The second tone is higher.</think><answer>yes</answer>"),
            tokenizer.Encode("<answer>drum"),
        ];
        return SequenceBatch.Create(prompts, completions, tokenizer.PadTokenId);
    }

    /// <summary>The reference: full logits, full log_softmax, gather.</summary>
    private static Tensor Naive(ICausalLanguageModel model, SequenceBatch batch, double temperature)
    {
        var p = batch.PromptLength;
        var c = batch.CompletionLength;
        var embeds = torch.cat([model.Embed(batch.InputIds.narrow(1, 0, p)), model.EmbedTokens(batch.InputIds.narrow(1, p, c))], 1);
        var hidden = model.Decode(embeds, batch.AttentionMask, AttentionMasks.PositionIds(batch.AttentionMask));
        var logits = model.Logits(hidden).to_type(ScalarType.Float32) / temperature;
        var logProbs = logits.log_softmax(-1).narrow(1, p - 1, c).gather(2, batch.InputIds.narrow(1, p, c).unsqueeze(2)).squeeze(2);
        return logProbs * batch.CompletionMask;
    }

    [Theory]
    [InlineData(1.0, 256)]
    [InlineData(0.7, 5)]
    public void ValuesAndGradientsMatchTheFullLogSoftmax(double temperature, int chunkRows)
    {
        var model = TinyModels.Create(seed: 9);
        model.train();
        var batch = Batch();
        using var generator = new Generator(3, torch.CPU);
        var weights = torch.randn(batch.CompletionMask.shape, generator: generator);

        var chunked = TokenLogProbs.Compute(model, batch, temperature: temperature, chunkRows: chunkRows);
        (chunked * weights).sum().backward();
        var chunkedGrads = model.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        model.zero_grad();

        var naive = Naive(model, batch, temperature);
        (naive * weights).sum().backward();

        Assert.Equal(naive.shape, chunked.shape);
        var valueDiff = (naive - chunked).abs().max().item<float>();
        Assert.True(valueDiff < 1e-5, $"max |Δ log p| = {valueDiff}");
        Assert.All(chunked.masked_select(batch.CompletionMask.eq(0)).data<float>().ToArray(), v => Assert.Equal(0f, v));

        // Text-only prompts: every trainable parameter of the language model gets a gradient, the audio side none.
        var reached = model.named_parameters().Where(p => p.parameter.requires_grad && p.name.StartsWith("language_model.", StringComparison.Ordinal))
            .Select(p => p.name).ToList();
        Assert.Equal(reached.Order(), chunkedGrads.Keys.Order());
        foreach (var (name, parameter) in model.named_parameters().Where(p => reached.Contains(p.name)))
        {
            var reference = parameter.grad!;
            var scale = reference.abs().max().item<float>();
            var diff = (reference - chunkedGrads[name]).abs().max().item<float>();
            Assert.True(diff <= 1e-5 + 1e-4 * scale, $"{name}: max |Δgrad| = {diff} (grad scale {scale})");
        }
        // The head is tied to the embedding: its gradient gets both the lookup's and the head's share.
        Assert.True(chunkedGrads["language_model.model.embed_tokens.weight"].abs().sum().item<float>() > 0);
    }

    [Fact]
    public void ChunkSizeDoesNotChangeTheResult()
    {
        var model = TinyModels.Create(seed: 10);
        var batch = Batch();
        using var noGrad = torch.no_grad();
        var whole = TokenLogProbs.Compute(model, batch, chunkRows: 10_000);
        var single = TokenLogProbs.Compute(model, batch, chunkRows: 1);
        Assert.True((whole - single).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void PackingLeftPadsPromptsAndRightPadsCompletions()
    {
        var batch = SequenceBatch.Create([[5, 6, 7], [8]], [[1], [2, 3]], padTokenId: 0);
        Assert.Equal(3, batch.PromptLength);
        Assert.Equal(2, batch.CompletionLength);
        Assert.Equal(new long[] { 5, 6, 7, 1, 0, 0, 0, 8, 2, 3 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 1, 0, 0, 0, 1, 1, 1 }, batch.AttentionMask.data<long>().ToArray());
        Assert.Equal(new float[] { 1, 0, 1, 1 }, batch.CompletionMask.data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => SequenceBatch.Create([[1], []], [[1], [2]], 0));
    }
}
