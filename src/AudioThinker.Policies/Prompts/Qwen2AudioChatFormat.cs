using System.Text;

namespace AudioThinker.Policies.Prompts;

/// <summary>
/// Qwen2-Audio's chat template (ChatML), as transformers' <c>Qwen2AudioProcessor</c> renders it: a default system
/// turn when the first message is not one, each turn as <c>&lt;|im_start|&gt;role\n…&lt;|im_end|&gt;\n</c>, the
/// k-th audio clip as <c>Audio k: &lt;|audio_bos|&gt;&lt;|AUDIO|&gt;…&lt;|audio_eos|&gt;\n</c> with one
/// <c>&lt;|AUDIO|&gt;</c> per audio-encoder output, and <c>&lt;|im_start|&gt;assistant\n</c> to prompt generation.
/// Qwen3 (the judge) uses the same turns without audio and without a default system turn.
/// </summary>
public static class Qwen2AudioChatFormat
{
    /// <summary>Opens a turn.</summary>
    public const string ImStart = "<|im_start|>";

    /// <summary>Closes a turn; also the chat models' end of generation.</summary>
    public const string ImEnd = "<|im_end|>";

    /// <summary>Opens an audio clip.</summary>
    public const string AudioBos = "<|audio_bos|>";

    /// <summary>One audio placeholder, replaced by one audio-encoder output in the model.</summary>
    public const string AudioToken = "<|AUDIO|>";

    /// <summary>Closes an audio clip.</summary>
    public const string AudioEos = "<|audio_eos|>";

    /// <summary>What the template appends to ask for the assistant's turn.</summary>
    public const string GenerationPrompt = ImStart + "assistant\n";

    /// <summary>The system turn the template inserts when the conversation does not start with one.</summary>
    public const string DefaultSystemPrompt = "You are a helpful assistant.";

    /// <summary>
    /// The number of <c>&lt;|AUDIO|&gt;</c> tokens for <paramref name="melFrames"/> valid mel frames (the sum of the
    /// feature attention mask): the encoder's second convolution has stride 2, <c>n = (frames − 1) // 2 + 1</c>, and
    /// its average pooling halves again, <c>(n − 2) // 2 + 1</c>, with Python's floor division (so 1 or 2 frames give
    /// 0). 3000 frames (30 s) give 750.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="melFrames"/> is negative.</exception>
    public static int AudioTokenCount(int melFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(melFrames);
        var afterConv = FloorDiv(melFrames - 1, 2) + 1;
        return FloorDiv(afterConv - 2, 2) + 1;
    }

    /// <summary>Renders a conversation to the model's input text.</summary>
    /// <param name="messages">The turns, in order.</param>
    /// <param name="addGenerationPrompt">Append <see cref="GenerationPrompt"/>.</param>
    /// <param name="defaultSystemPrompt">The system turn to insert when the first message is not a system turn (the
    /// template's <see cref="DefaultSystemPrompt"/>); null inserts none.</param>
    public static string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true, string? defaultSystemPrompt = DefaultSystemPrompt)
    {
        var sb = new StringBuilder();
        foreach (var segment in Segments(messages, addGenerationPrompt, defaultSystemPrompt))
        {
            if (segment.Text is not null)
            {
                sb.Append(segment.Text);
            }
            else
            {
                sb.Insert(sb.Length, AudioToken, segment.AudioTokens);
            }
        }
        return sb.ToString();
    }

    /// <summary>The rendered text cut at the runs of audio placeholders, so ids can be built without encoding
    /// hundreds of <c>&lt;|AUDIO|&gt;</c> strings. Each segment is text, or (Text null) a run of audio tokens.</summary>
    internal static IEnumerable<(string? Text, int AudioTokens)> Segments(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string? defaultSystemPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        if (defaultSystemPrompt is not null && (messages.Count == 0 || messages[0].Role != ChatMessage.SystemRole))
        {
            text.Append(ImStart).Append(ChatMessage.SystemRole).Append('\n').Append(defaultSystemPrompt).Append(ImEnd).Append('\n');
        }
        var audioCount = 0;
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            text.Append(ImStart).Append(message.Role).Append('\n');
            foreach (var part in message.Parts)
            {
                switch (part)
                {
                    case ChatPart.Text t:
                        text.Append(t.Value);
                        break;
                    case ChatPart.Audio a:
                        audioCount++;
                        text.Append("Audio ").Append(audioCount).Append(": ").Append(AudioBos);
                        yield return (text.ToString(), 0);
                        text.Clear();
                        yield return (null, a.TokenCount);
                        text.Append(AudioEos).Append('\n');
                        break;
                }
            }
            text.Append(ImEnd).Append('\n');
        }
        if (addGenerationPrompt)
        {
            text.Append(GenerationPrompt);
        }
        yield return (text.ToString(), 0);
    }

    // Python's //: rounds toward −∞ (C#'s / rounds toward 0, which would give 1 token for 1 frame).
    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
