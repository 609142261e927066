namespace AudioThinker.Rewards.Matching;

/// <summary>One way an answer can match the right choice; the accuracy reward accepts an answer that any enabled rule accepts.</summary>
public enum AnswerMatchRule
{
    /// <summary>The answer's text equals the right answer's, after <see cref="TextNormalizer.Normalize"/>.</summary>
    Text,

    /// <summary>The answer is an option letter (<c>B</c>, <c>(B)</c>, <c>B.</c>, <c>Option B</c>, optionally followed by that option's text)
    /// naming the right choice; A is the first choice.</summary>
    Letter,

    /// <summary>MMAU's token rule: every token of the right answer is in the answer and no token of a wrong choice
    /// (other than the right answer's own tokens) is.</summary>
    MmauTokens,
}
