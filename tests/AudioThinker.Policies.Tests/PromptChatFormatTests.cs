using System.Text.Json.Nodes;
using AudioThinker.Data.IO;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Runtime;
using TorchSharp;

namespace AudioThinker.Policies.Tests;

public class PromptChatFormatTests
{
    [Theory]
    // 30 s of Whisper features (3000 frames) give Qwen2-Audio's 750 audio tokens; 200 and 40 valid frames are the two
    // rows of ../shared/fixtures/hf-reference/qwen2audio_tiny, whose expected.json says 50 and 10.
    [InlineData(3000, 750)]
    [InlineData(200, 50)]
    [InlineData(40, 10)]
    [InlineData(3, 1)]
    [InlineData(7, 2)]
    // Python's floor division: 1 and 2 frames give 0 (C#'s truncating division would give 1).
    [InlineData(2, 0)]
    [InlineData(1, 0)]
    [InlineData(0, 0)]
    public void AudioTokenCountFollowsQwen2AudioProcessor(int frames, int tokens) =>
        Assert.Equal(tokens, Qwen2AudioChatFormat.AudioTokenCount(frames));

    [Fact]
    public void AudioTokenCountMatchesTheQwen2AudioFixture()
    {
        // transformers' own placeholders: each row's <|AUDIO|> count in input_ids, from its feature mask.
        var expected = SafeTensors.Load(TokenizerFixtures.Path("qwen2audio_tiny/expected.safetensors"));
        var meta = JsonNode.Parse(File.ReadAllText(TokenizerFixtures.Path("qwen2audio_tiny/expected.json")))!;
        var audioId = meta["audio_token_index"]!.GetValue<long>();
        var mask = expected.GetLongs("feature_attention_mask");
        var ids = expected.GetLongs("input_ids");
        var rows = (int)expected.Get("feature_attention_mask").Shape[0];
        var frames = mask.Length / rows;
        var length = ids.Length / rows;
        for (var r = 0; r < rows; r++)
        {
            var validFrames = (int)mask.Skip(r * frames).Take(frames).Sum();
            var count = Qwen2AudioChatFormat.AudioTokenCount(validFrames);
            Assert.Equal(meta["n_audio_tokens"]![r]!.GetValue<int>(), count);
            Assert.Equal(ids.Skip(r * length).Take(length).Count(i => i == audioId), count);
        }
    }

    [Fact]
    public void AudioTokenCountIsTheLengthAfterTheStrideTwoConvAndThePooling()
    {
        // The encoder's conv2 (kernel 3, stride 2, padding 1) then AvgPool1d(2, 2), run on real tensors.
        TorchRuntime.Initialize();
        using var weight = torch.ones(1, 1, 3);
        foreach (var frames in Enumerable.Range(3, 300).Append(2999).Append(3000))
        {
            using var x = torch.zeros(1, 1, frames);
            using var conv = torch.nn.functional.conv1d(x, weight, stride: 2, padding: 1);
            using var pooled = torch.nn.functional.avg_pool1d(conv, 2, 2);
            Assert.Equal((int)pooled.shape[2], Qwen2AudioChatFormat.AudioTokenCount(frames));
        }
    }

    [Fact]
    public void NegativeFramesAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Qwen2AudioChatFormat.AudioTokenCount(-1));

    [Fact]
    public void RendersQwen2AudioChatMlWithTheDefaultSystemTurn()
    {
        var text = Qwen2AudioChatFormat.Render([ChatMessage.User("What is heard?", 3)]);
        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\nAudio 1: <|audio_bos|><|AUDIO|><|AUDIO|><|AUDIO|><|audio_eos|>\nWhat is heard?<|im_end|>\n"
            + "<|im_start|>assistant\n",
            text);
    }

    [Fact]
    public void AGivenSystemTurnReplacesTheDefaultAndNullGivesNone()
    {
        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
            Qwen2AudioChatFormat.Render([ChatMessage.System("Be brief."), ChatMessage.User("Hi")], addGenerationPrompt: false));
        Assert.Equal(
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            Qwen2AudioChatFormat.Render([ChatMessage.User("Hi")], defaultSystemPrompt: null));
    }

    [Fact]
    public void AudioClipsAreNumberedAcrossTheConversation()
    {
        var text = Qwen2AudioChatFormat.Render(
            [ChatMessage.User("First?", 1, 2), ChatMessage.Assistant("<answer>a</answer>"), ChatMessage.User("Then?", 1)],
            addGenerationPrompt: true, defaultSystemPrompt: null);
        Assert.Equal(
            "<|im_start|>user\nAudio 1: <|audio_bos|><|AUDIO|><|audio_eos|>\nAudio 2: <|audio_bos|><|AUDIO|><|AUDIO|><|audio_eos|>\nFirst?<|im_end|>\n"
            + "<|im_start|>assistant\n<answer>a</answer><|im_end|>\n"
            + "<|im_start|>user\nAudio 3: <|audio_bos|><|AUDIO|><|audio_eos|>\nThen?<|im_end|>\n"
            + "<|im_start|>assistant\n",
            text);
    }

    [Fact]
    public void BadMessagesAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChatPart.Audio(0));
        Assert.Throws<ArgumentException>(() => new ChatMessage("", [new ChatPart.Text("x")]));
        Assert.Throws<ArgumentException>(() => new ChatMessage("user\nsystem", [new ChatPart.Text("x")]));
        Assert.Throws<ArgumentNullException>(() => new ChatPart.Text(null!));
    }
}
