using AudioThinker.Abstractions;
using AudioThinker.Policies.Tokenization;

namespace AudioThinker.Policies.Prompts;

/// <summary>
/// Turns questions and chat turns into model input: text in Qwen2-Audio's chat format and its token ids. The ids
/// are built piecewise (text segments encoded, the audio run appended as ids), which gives the same ids as encoding
/// the whole text because the audio markers are added tokens that split the text anyway.
/// </summary>
/// <param name="tokenizer">The policy's tokenizer; it must know the audio markers when a prompt has audio.</param>
public sealed class PromptBuilder(ITextTokenizer tokenizer)
{
    private readonly ITextTokenizer _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));

    /// <summary>The system turn used when a prompt has none: Qwen2-Audio's template default
    /// (<see cref="Qwen2AudioChatFormat.DefaultSystemPrompt"/>), which is what R1-AQA's prompts get. Null renders no
    /// system turn (Qwen3's template, for a judge).</summary>
    public string? DefaultSystemPrompt { get; init; } = Qwen2AudioChatFormat.DefaultSystemPrompt;

    /// <summary>The policy prompt for a question: the template's user text, the question's audio, no system turn of its
    /// own (so <see cref="DefaultSystemPrompt"/> applies).</summary>
    public static PolicyPrompt ToPolicyPrompt(AudioQuestion question, PromptTemplate template)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(template);
        return new PolicyPrompt(null, template.FormatUser(question), question.Audio);
    }

    /// <summary>A question asked with a template, ending in the generation prompt.</summary>
    /// <param name="question">The question.</param>
    /// <param name="template">How to ask it (<see cref="PromptTemplates"/>).</param>
    /// <param name="audioTokenCount">The audio's <see cref="Qwen2AudioChatFormat.AudioTokenCount"/>; 0 when the
    /// question has no audio.</param>
    /// <exception cref="ArgumentException">The count does not fit the question's audio (see <see cref="Build(PolicyPrompt, int)"/>).</exception>
    public BuiltPrompt Build(AudioQuestion question, PromptTemplate template, int audioTokenCount) =>
        Build(ToPolicyPrompt(question, template), audioTokenCount);

    /// <summary>A policy prompt, ending in the generation prompt: the system turn (or <see cref="DefaultSystemPrompt"/>),
    /// then the user turn with the audio before the text.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The prompt has audio and <paramref name="audioTokenCount"/> is below 1,
    /// or has none and the count is not 0.</exception>
    /// <exception cref="InvalidOperationException">The prompt has audio and the tokenizer lacks an audio marker.</exception>
    public BuiltPrompt Build(PolicyPrompt prompt, int audioTokenCount)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Audio is null && audioTokenCount != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(audioTokenCount), audioTokenCount, "the prompt has no audio, so its audio token count must be 0");
        }
        if (prompt.Audio is not null && audioTokenCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(audioTokenCount), audioTokenCount, $"the prompt's audio ({prompt.Audio}) needs at least 1 audio token (Qwen2-Audio: at least 3 mel frames)");
        }
        var messages = new List<ChatMessage>(2);
        if (prompt.System is not null)
        {
            messages.Add(ChatMessage.System(prompt.System));
        }
        messages.Add(prompt.Audio is null ? ChatMessage.User(prompt.User) : ChatMessage.User(prompt.User, audioTokenCount));
        return Build(messages, addGenerationPrompt: true);
    }

    /// <summary>Any conversation (for example a training example with its assistant turn).</summary>
    /// <exception cref="InvalidOperationException">A message has audio and the tokenizer lacks an audio marker.</exception>
    public BuiltPrompt Build(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var ids = new List<int>();
        var text = new System.Text.StringBuilder();
        var audioTokens = 0;
        foreach (var (segment, audio) in Qwen2AudioChatFormat.Segments(messages, addGenerationPrompt, DefaultSystemPrompt))
        {
            if (segment is not null)
            {
                text.Append(segment);
                ids.AddRange(_tokenizer.Encode(segment));
                continue;
            }
            var audioId = RequireToken(Qwen2AudioChatFormat.AudioToken);
            RequireToken(Qwen2AudioChatFormat.AudioBos);
            RequireToken(Qwen2AudioChatFormat.AudioEos);
            text.Insert(text.Length, Qwen2AudioChatFormat.AudioToken, audio);
            ids.AddRange(Enumerable.Repeat(audioId, audio));
            audioTokens += audio;
        }
        return new BuiltPrompt(text.ToString(), ids, audioTokens);
    }

    private int RequireToken(string token) =>
        _tokenizer.TokenToId(token)
        ?? throw new InvalidOperationException($"the tokenizer ({_tokenizer.GetType().Name}) has no {token} token, so it cannot encode a prompt with audio");
}
