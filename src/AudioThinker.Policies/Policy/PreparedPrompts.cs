using AudioThinker.Policies.Models;

namespace AudioThinker.Policies.Policy;

/// <summary>Prompts as a model takes them: token ids per row (audio placeholders expanded) and the clips for those placeholders.</summary>
/// <param name="TokenIds">One token list per prompt.</param>
/// <param name="Audio">Features of the prompts that have audio, in row order; null when none has.</param>
/// <param name="Texts">The rendered prompt texts (for logs and debugging).</param>
public sealed record PreparedPrompts(IReadOnlyList<IReadOnlyList<int>> TokenIds, AudioInput? Audio, IReadOnlyList<string> Texts);
