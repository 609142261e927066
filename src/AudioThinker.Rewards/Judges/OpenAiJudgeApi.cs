namespace AudioThinker.Rewards.Judges;

/// <summary>Which OpenAI-compatible endpoint the judge calls.</summary>
public enum OpenAiJudgeApi
{
    /// <summary><c>POST {baseUrl}/completions</c> with a raw prompt: for base models such as the paper's Qwen3-8B-Base, which have no chat template.</summary>
    Completions,

    /// <summary><c>POST {baseUrl}/chat/completions</c> with the prompt as one user message: for instruct models.</summary>
    Chat,
}
