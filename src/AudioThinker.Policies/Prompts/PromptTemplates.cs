namespace AudioThinker.Policies.Prompts;

/// <summary>The Audio-Thinker prompt variants, by name.</summary>
public static class PromptTemplates
{
    /// <summary>The paper's policy prompt (Audio-Thinker, Fig. 1), verbatim: the model decides whether to think.</summary>
    public static PromptTemplate Adaptive { get; } = new(
        "adaptive",
        "First identify whether this problem requires thinking. If the problem requires thinking, output thinking in <think> </think> "
        + "and answer in <answer> </answer>. If no thinking is required, output answer in <answer> </answer>",
        "Audio-Thinker's adaptive prompt (paper, Fig. 1): think only when the question needs it.");

    /// <summary>The paper's longer variant: <see cref="Adaptive"/> with a full stop, then a nudge towards answering
    /// directly.</summary>
    public static PromptTemplate AdaptiveLong { get; } = new(
        "adaptive-long",
        Adaptive.Instruction + ". The Assistant is encouraged to use the <answer></answer> tag whenever possible, while ensuring accuracy.",
        "Audio-Thinker's longer adaptive prompt: as 'adaptive', encouraging answer-only responses where accuracy allows.");

    /// <summary>Always think: R1-AQA's chain-of-thought instruction.</summary>
    public static PromptTemplate Think { get; } = new(
        "think",
        "Output the thinking process in <think> </think> and final answer in <answer> </answer>.",
        "Forced thinking (R1-AQA's CoT variant): <think> then <answer>; the 'GRPO + CoT prompt' baseline.");

    /// <summary>Answer only: R1-AQA's prompt.</summary>
    public static PromptTemplate Direct { get; } = new(
        "direct",
        "Output the final answer in <answer> </answer>.",
        "Answer only (R1-AQA's prompt): the outcome-reward GRPO baseline.");

    /// <summary>Every template, by name.</summary>
    public static IReadOnlyList<PromptTemplate> All { get; } = [Adaptive, AdaptiveLong, Think, Direct];

    /// <summary>The template with this name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No template has the name; the message lists those that exist.</exception>
    public static PromptTemplate Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"unknown prompt template '{name}'; known: {string.Join(", ", All.Select(t => t.Name))}", nameof(name));
    }
}
