namespace AudioThinker.Policies.Prompts;

/// <summary>One piece of a chat message's content: text, or an audio clip.</summary>
public abstract record ChatPart
{
    private ChatPart()
    {
    }

    /// <summary>Literal text (special tokens written in it are encoded as such, as Hugging Face does).</summary>
    /// <param name="Value">The text.</param>
    public sealed record Text(string Value) : ChatPart
    {
        /// <summary>The text.</summary>
        public string Value { get; } = Value ?? throw new ArgumentNullException(nameof(Value));
    }

    /// <summary>An audio clip, rendered as <c>Audio N: &lt;|audio_bos|&gt;</c>, <see cref="TokenCount"/> ×
    /// <c>&lt;|AUDIO|&gt;</c>, <c>&lt;|audio_eos|&gt;</c> and a newline.</summary>
    /// <param name="TokenCount">How many audio-encoder outputs the clip gives
    /// (<see cref="Qwen2AudioChatFormat.AudioTokenCount"/> of its mel frames); at least 1.</param>
    public sealed record Audio(int TokenCount) : ChatPart
    {
        /// <summary>How many <c>&lt;|AUDIO|&gt;</c> placeholders the clip takes.</summary>
        public int TokenCount { get; } = TokenCount >= 1
            ? TokenCount
            : throw new ArgumentOutOfRangeException(nameof(TokenCount), TokenCount, "an audio clip needs at least 1 audio token (Qwen2-Audio: at least 3 mel frames)");
    }
}
