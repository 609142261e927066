namespace AudioThinker.Rewards;

/// <summary>The names the built-in rewards are registered, configured and reported under.</summary>
public static class RewardNames
{
    /// <summary>R_f: 1 for either valid response form, else 0.</summary>
    public const string Format = "format";

    /// <summary>1 when the answer is right, else 0.</summary>
    public const string Accuracy = "accuracy";

    /// <summary>R_a: the Adaptive Think Accuracy Reward (Eq. 5).</summary>
    public const string Atar = "atar";

    /// <summary>R_c: does the thinking support the (correct) answer.</summary>
    public const string Consistency = "consistency";

    /// <summary>R_t: the quality of the thinking, 0 to 1.</summary>
    public const string Think = "think";

    /// <summary>The combined reward (Eq. 7 or a weighted sum).</summary>
    public const string Total = "total";

    /// <summary>The built-in rewards in the order the paper's pipeline runs them.</summary>
    public static IReadOnlyList<string> PaperPipeline { get; } = [Format, Accuracy, Atar, Consistency, Think];
}
