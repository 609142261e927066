using System.Text.Json.Nodes;
using AudioThinker.Abstractions;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Tokenization;

namespace AudioThinker.Policies.Tests;

public class PromptBuilderTests
{
    private static readonly AudioQuestion Beeps =
        new("q1", new AudioReference("a.wav"), "How many beeps are there?", ["2", "3", "4"], "3")
        {
            ReferenceReasoning = "I count three beeps.",
        };

    private static readonly AudioQuestion Pitch =
        new("q2", new AudioReference("b.wav"), "Is the second tone higher than the first?", ["yes", "no"], "yes")
        {
            ReferenceReasoning = "The first tone is 440 Hz and the second is 880 Hz, so the second is higher.",
        };

    // Qwen3's tokenizer.json with Qwen2-Audio's three audio markers added (Qwen2-Audio's own tokenizer has them).
    private static readonly Lazy<HfTokenizer> Qwen3WithAudio = new(() =>
    {
        var json = TokenizerFixtures.Qwen3Json();
        var added = json["added_tokens"]!.AsArray();
        var id = 151669;
        foreach (var marker in new[] { "<|AUDIO|>", "<|audio_bos|>", "<|audio_eos|>" })
        {
            added.Add(new JsonObject
            {
                ["id"] = id++,
                ["content"] = marker,
                ["single_word"] = false,
                ["lstrip"] = false,
                ["rstrip"] = false,
                ["normalized"] = false,
                ["special"] = true,
            });
        }
        var dir = TokenizerFixtures.TempDir("qwen-audio-tokenizer");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString());
        File.Copy(TokenizerFixtures.Path("qwen3_tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));
        return HfTokenizer.FromDirectory(dir);
    });

    [Fact]
    public void BuildsTheR1AqaPromptWithExpandedAudio()
    {
        var tok = CompactTokenizer.Build(PromptCorpus.Texts([Beeps, Pitch]));
        var built = new PromptBuilder(tok).Build(Beeps, PromptTemplates.Direct, audioTokenCount: 5);
        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nAudio 1: <|audio_bos|>"
            + string.Concat(Enumerable.Repeat("<|AUDIO|>", 5))
            + "<|audio_eos|>\nHow many beeps are there? Please choose the answer from the following options: ['2', '3', '4']. "
            + "Output the final answer in <answer> </answer>.<|im_end|>\n<|im_start|>assistant\n",
            built.Text);
        Assert.Equal(5, built.AudioTokenCount);
        Assert.Equal(tok.Encode(built.Text), built.TokenIds);
        var audio = tok.TokenToId("<|AUDIO|>")!.Value;
        var bos = built.TokenIds.ToList().IndexOf(tok.TokenToId("<|audio_bos|>")!.Value);
        Assert.Equal(Enumerable.Repeat(audio, 5), built.TokenIds.Skip(bos + 1).Take(5));
        Assert.Equal(tok.TokenToId("<|audio_eos|>"), built.TokenIds[bos + 6]);
        Assert.Equal(5, built.TokenIds.Count(i => i == audio));
    }

    [Fact]
    public void IdsEqualEncodingTheWholeTextWithTheHuggingFaceTokenizer()
    {
        var tok = Qwen3WithAudio.Value;
        var builder = new PromptBuilder(tok);
        foreach (var template in PromptTemplates.All)
        {
            var built = builder.Build(Pitch, template, audioTokenCount: 750);
            Assert.Equal(tok.Encode(built.Text), built.TokenIds);
            Assert.Equal(750, built.TokenIds.Count(i => i == tok.TokenToId("<|AUDIO|>")));
            Assert.EndsWith("<|im_start|>assistant\n", built.Text);
            Assert.Equal([151644, 77091, 198], built.TokenIds.TakeLast(3));
        }
    }

    [Fact]
    public void TextOnlyPromptsNeedNoAudioMarkers()
    {
        // A Qwen3 judge: no audio, no default system turn.
        var tok = TokenizerFixtures.Qwen3;
        var builder = new PromptBuilder(tok) { DefaultSystemPrompt = null };
        var built = builder.Build([ChatMessage.User("What is heard?")]);
        Assert.Equal("<|im_start|>user\nWhat is heard?<|im_end|>\n<|im_start|>assistant\n", built.Text);
        // The same ids as the Hugging Face fixture's chat case.
        Assert.Equal([151644, 872, 198, 3838, 374, 6617, 30, 151645, 198, 151644, 77091, 198], built.TokenIds);
        Assert.Equal(0, built.AudioTokenCount);
    }

    [Fact]
    public void AudioWithATokenizerWithoutAudioMarkersIsRefused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new PromptBuilder(TokenizerFixtures.Qwen3).Build(Beeps, PromptTemplates.Direct, 10));
        Assert.Contains("<|AUDIO|>", e.Message);
    }

    [Fact]
    public void ThePolicyPromptsOwnSystemTurnWins()
    {
        var tok = CompactTokenizer.Build(PromptCorpus.Texts([Beeps]));
        var built = new PromptBuilder(tok).Build(new PolicyPrompt("Answer briefly.", "Hi", null), 0);
        Assert.Equal("<|im_start|>system\nAnswer briefly.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", built.Text);
        var policy = PromptBuilder.ToPolicyPrompt(Beeps, PromptTemplates.Think);
        Assert.Null(policy.System);
        Assert.Same(Beeps.Audio, policy.Audio);
        Assert.Equal(PromptTemplates.Think.FormatUser(Beeps), policy.User);
    }

    [Fact]
    public void AudioTokenCountMustFitTheAudio()
    {
        var builder = new PromptBuilder(CompactTokenizer.Build([]));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => builder.Build(Beeps, PromptTemplates.Direct, 0));
        Assert.Contains("a.wav", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Build(new PolicyPrompt(null, "Hi", null), 3));
    }

    [Fact]
    public void ACompactTokenizerBuiltFromThePromptCorpusSpellsNoPromptInBytes()
    {
        // Two questions only, so each reasoning word is seen once: keep every word.
        var tok = CompactTokenizer.Build(PromptCorpus.Texts([Beeps, Pitch]), new CompactTokenizerOptions { MinFrequency = 1 });
        var builder = new PromptBuilder(tok);
        var firstByte = tok.TokenToId("<0x00>")!.Value;
        foreach (var q in new[] { Beeps, Pitch })
        {
            foreach (var template in PromptTemplates.All)
            {
                var built = builder.Build(q, template, 4);
                Assert.DoesNotContain(built.TokenIds, i => i >= firstByte && i < firstByte + 256);
                Assert.Equal(built.Text, tok.Decode(built.TokenIds));
            }
            var response = tok.Encode($"<think>{q.ReferenceReasoning}</think><answer>{q.Answer}</answer>");
            Assert.DoesNotContain(response, i => i >= firstByte && i < firstByte + 256);
        }
    }
}
