namespace AudioThinker.Policies.Prompts;

/// <summary>A prompt ready for the model.</summary>
/// <param name="Text">The rendered chat text, audio placeholders expanded.</param>
/// <param name="TokenIds">Its token ids (equal to encoding <paramref name="Text"/>).</param>
/// <param name="AudioTokenCount">How many <c>&lt;|AUDIO|&gt;</c> placeholders it holds (0 without audio): the number of
/// audio-encoder outputs the model must scatter into them.</param>
public sealed record BuiltPrompt(string Text, IReadOnlyList<int> TokenIds, int AudioTokenCount);
