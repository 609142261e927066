namespace AudioThinker.Abstractions;

/// <summary>How a response is shaped.</summary>
public enum ResponseMode
{
    /// <summary><c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c>.</summary>
    Think,
    /// <summary><c>&lt;answer&gt;…&lt;/answer&gt;</c> alone.</summary>
    NoThink,
    /// <summary>Neither form.</summary>
    Invalid,
}

/// <summary>A response split into its parts.</summary>
/// <param name="Mode">Which form the response has.</param>
/// <param name="Thought">The text inside <c>&lt;think&gt;</c> (trimmed), for <see cref="ResponseMode.Think"/>.</param>
/// <param name="Answer">The text inside <c>&lt;answer&gt;</c> (trimmed), for a valid response.</param>
/// <param name="Error">Why the response is <see cref="ResponseMode.Invalid"/>.</param>
public sealed record ParsedResponse(ResponseMode Mode, string? Thought, string? Answer, string? Error = null)
{
    /// <summary>True for the two valid forms.</summary>
    public bool IsValid => Mode != ResponseMode.Invalid;
}

/// <summary>Splits a response into thought and answer. Never throws on any text.</summary>
public interface IResponseParser
{
    /// <summary>Parses one response.</summary>
    ParsedResponse Parse(string response);
}

/// <summary>What a policy generated for one prompt.</summary>
/// <param name="Text">The decoded completion, special tokens removed.</param>
/// <param name="TokenIds">The completion's token ids (without the prompt), including a final EOS if one was sampled.</param>
/// <param name="LogProbs">The sampling policy's log-probability of each token in <paramref name="TokenIds"/> (empty when not computed).</param>
/// <param name="Truncated">True when generation stopped at the length limit, not at EOS or a stop string.</param>
public sealed record Completion(string Text, IReadOnlyList<int> TokenIds, IReadOnlyList<float> LogProbs, bool Truncated);

/// <summary>One sampled response to a question, parsed.</summary>
/// <param name="Text">The response text.</param>
/// <param name="TokenIds">Its token ids (empty when it did not come from a tokenizer, e.g. a file of completions).</param>
/// <param name="Truncated">True when generation hit the length limit.</param>
/// <param name="Parsed">The response split into thought and answer.</param>
public sealed record Rollout(string Text, IReadOnlyList<int> TokenIds, bool Truncated, ParsedResponse Parsed)
{
    /// <summary>Think, no-think or invalid.</summary>
    public ResponseMode Mode => Parsed.Mode;

    /// <summary>The sampling policy's per-token log-probabilities, when the sampler kept them.</summary>
    public IReadOnlyList<float> LogProbs { get; init; } = [];

    /// <summary>Makes a rollout from a completion and a parser.</summary>
    public static Rollout From(Completion completion, IResponseParser parser) =>
        new(completion.Text, completion.TokenIds, completion.Truncated, parser.Parse(completion.Text)) { LogProbs = completion.LogProbs };
}

/// <summary>The G responses sampled for one question: the unit over which GRPO normalises rewards.</summary>
/// <param name="Question">The question.</param>
/// <param name="Rollouts">Its responses.</param>
public sealed record RolloutGroup(AudioQuestion Question, IReadOnlyList<Rollout> Rollouts);
