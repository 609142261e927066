namespace AudioThinker.Policies.Prompts;

/// <summary>One chat turn.</summary>
/// <param name="Role">The role: <see cref="SystemRole"/>, <see cref="UserRole"/>, <see cref="AssistantRole"/> (any
/// other non-empty name is rendered as given).</param>
/// <param name="Parts">The content, in order.</param>
public sealed record ChatMessage(string Role, IReadOnlyList<ChatPart> Parts)
{
    /// <summary>The system role.</summary>
    public const string SystemRole = "system";

    /// <summary>The user role.</summary>
    public const string UserRole = "user";

    /// <summary>The assistant role.</summary>
    public const string AssistantRole = "assistant";

    /// <summary>The role.</summary>
    public string Role { get; } = !string.IsNullOrWhiteSpace(Role) && !Role.Contains('\n')
        ? Role
        : throw new ArgumentException($"chat role '{Role}' must be a non-empty name without newlines", nameof(Role));

    /// <summary>The content.</summary>
    public IReadOnlyList<ChatPart> Parts { get; } = Parts is not null && Parts.All(p => p is not null)
        ? Parts
        : throw new ArgumentNullException(nameof(Parts), "chat message parts must not be null");

    /// <summary>A system turn.</summary>
    public static ChatMessage System(string text) => new(SystemRole, [new ChatPart.Text(text)]);

    /// <summary>A user turn: the audio clips first (as Qwen2-Audio's examples and R1-AQA place them), then the text.</summary>
    public static ChatMessage User(string text, params int[] audioTokenCounts) =>
        new(UserRole, [.. audioTokenCounts.Select(n => (ChatPart)new ChatPart.Audio(n)), new ChatPart.Text(text)]);

    /// <summary>An assistant turn (a response to train on).</summary>
    public static ChatMessage Assistant(string text) => new(AssistantRole, [new ChatPart.Text(text)]);
}
