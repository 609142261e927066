using AudioThinker.Abstractions;
using AudioThinker.Data.Evaluation;
using AudioThinker.Data.Features;
using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Policy;
using AudioThinker.Policies.Presets;
using AudioThinker.Policies.Prompts;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>IPolicy and the rollout sampler over the tiny preset.</summary>
public class PolicyTests
{
    private static float[] Tone(double seconds, double hz)
    {
        var samples = new float[(int)(seconds * 16000)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(0.3 * Math.Sin(2 * Math.PI * hz * i / 16000));
        }
        return samples;
    }

    private static readonly Lazy<Qwen2AudioForConditionalGeneration> Model = new(() => TinyModels.Create(seed: 41));

    [Fact]
    public void PromptsGetAudioTokensAndFeaturesSizedToTheEncoderWindow()
    {
        var policy = new Qwen2AudioPolicy(Model.Value, TinyModels.Tokenizer);
        var shortClip = new AudioReference(Tone(1.5, 440), 16000);
        var longClip = new AudioReference(Tone(6.0, 880), 16000); // longer than the tiny preset's 4 s window
        var prepared = policy.Prepare(
        [
            new PolicyPrompt(null, "How many beeps are there?", shortClip),
            new PolicyPrompt("Be brief.", "Which instrument plays?", null),
            new PolicyPrompt(null, "Is the second tone higher than the first?", longClip),
        ]);
        var audioId = TinyModels.Tokenizer.TokenToId("<|AUDIO|>")!.Value;
        Assert.Equal(AudioEncoderConfig.AudioTokenCount(150), prepared.TokenIds[0].Count(t => t == audioId)); // 1.5 s = 150 frames
        Assert.Equal(0, prepared.TokenIds[1].Count(t => t == audioId));
        Assert.Equal(AudioEncoderConfig.AudioTokenCount(400), prepared.TokenIds[2].Count(t => t == audioId)); // cut to 400 frames
        Assert.Contains("Be brief.", prepared.Texts[1]);
        Assert.Equal([2L, 80L, 400L], prepared.Audio!.InputFeatures.shape);

        var reference = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = 80, ChunkSeconds = 4 }).ExtractBatch([shortClip.Samples!, longClip.Samples!]);
        Assert.Equal(reference.Values, prepared.Audio.InputFeatures.data<float>().ToArray());
        Assert.Equal(reference.Mask, prepared.Audio.FeatureAttentionMask.data<long>().ToArray());
        using var noGrad = torch.no_grad();
        using var embeds = Model.Value.Embed(torch.tensor(prepared.TokenIds[0].Select(t => (long)t).ToArray(), [1, prepared.TokenIds[0].Count]),
            new AudioInput(prepared.Audio.InputFeatures.narrow(0, 0, 1), prepared.Audio.FeatureAttentionMask.narrow(0, 0, 1)));
        Assert.Equal(prepared.TokenIds[0].Count, embeds.shape[1]);
    }

    [Fact]
    public void GenerateReturnsDecodedSeededCompletions()
    {
        var policy = new Qwen2AudioPolicy(Model.Value, TinyModels.Tokenizer);
        PolicyPrompt[] prompts =
        [
            new(null, "How many beeps are there?", new AudioReference(Tone(2.0, 440), 16000)),
            new(null, "Which instrument plays?", null),
        ];
        var options = new GenerationOptions { MaxNewTokens = 10, Seed = 5 };
        var a = policy.Generate(prompts, options);
        var b = policy.Generate(prompts, options);
        Assert.Equal(2, a.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].TokenIds, b[i].TokenIds);
            Assert.Equal(a[i].LogProbs, b[i].LogProbs);
            Assert.Equal(a[i].TokenIds.Count, a[i].LogProbs.Count);
            Assert.Equal(TinyModels.Tokenizer.Decode(a[i].TokenIds, skipSpecialTokens: true), a[i].Text);
            Assert.Equal(a[i].TokenIds.Count == 10 && !a[i].Text.Contains("</answer>") && !TinyModels.Tokenizer.EosTokenIds.Contains(a[i].TokenIds[^1]), a[i].Truncated);
            Assert.All(a[i].LogProbs, lp => Assert.True(lp <= 0 && float.IsFinite(lp)));
        }
        Assert.StartsWith("Qwen2-Audio ", policy.Name);
        Assert.EndsWith("float32 on cpu", policy.Name);
    }

    [Fact]
    public void ATextOnlyModelRefusesAudioPrompts()
    {
        var model = ModelPresets.CreateQwen3("tiny", TinyModels.Tokenizer.VocabularySize);
        var policy = new Qwen2AudioPolicy(model, TinyModels.Tokenizer);
        var e = Assert.Throws<ArgumentException>(() => policy.Generate([new PolicyPrompt(null, "Hi", new AudioReference(Tone(1, 440), 16000))], new GenerationOptions()));
        Assert.Contains("text-only", e.Message);
        Assert.Single(policy.Generate([new PolicyPrompt(null, "Hi", null)], new GenerationOptions { MaxNewTokens = 3 }));
    }

    [Fact]
    public async Task TheSamplerGroupsGCompletionsPerQuestionInOrder()
    {
        var policy = new Qwen2AudioPolicy(Model.Value, TinyModels.Tokenizer);
        var questions = TinyModels.Questions.Take(2)
            .Select((q, i) => q with { Audio = new AudioReference(Tone(1.0 + i, 300 + 200 * i), 16000) }).ToList();
        var sampler = new PolicyRolloutSampler(policy, AudioThinker.Rewards.Parsing.TaggedResponseParser.Instance) { MaxBatchSize = 4 };
        var greedy = new GenerationOptions { Temperature = 0, MaxNewTokens = 8 };
        var groups = await sampler.SampleAsync(questions, groupSize: 3, greedy);
        Assert.Equal(2, groups.Count);
        for (var q = 0; q < 2; q++)
        {
            Assert.Same(questions[q], groups[q].Question);
            Assert.Equal(3, groups[q].Rollouts.Count);
            // Greedy: every rollout of a group is the question's own greedy completion.
            var alone = policy.Generate([PromptBuilder.ToPolicyPrompt(questions[q], PromptTemplates.Adaptive)], greedy)[0];
            Assert.All(groups[q].Rollouts, r =>
            {
                Assert.Equal(alone.TokenIds, r.TokenIds);
                Assert.Equal(alone.Text, r.Text);
                Assert.Equal(AudioThinker.Rewards.Parsing.TaggedResponseParser.Instance.Parse(alone.Text).Mode, r.Mode);
                Assert.Equal(alone.TokenIds.Count, r.LogProbs.Count);
            });
        }
        var sampled = await sampler.SampleAsync(questions, 3, new GenerationOptions { MaxNewTokens = 8, Seed = 9 });
        var again = await sampler.SampleAsync(questions, 3, new GenerationOptions { MaxNewTokens = 8, Seed = 9 });
        Assert.Equal(sampled.SelectMany(g => g.Rollouts).Select(r => r.Text), again.SelectMany(g => g.Rollouts).Select(r => r.Text));
    }
}
