using System.Text.RegularExpressions;
using AudioThinker.Abstractions;

namespace AudioThinker.Data.Evaluation;

/// <summary>
/// Splits a response into the two forms the Audio-Thinker policy may use, <c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c>
/// and <c>&lt;answer&gt;…&lt;/answer&gt;</c> alone (whitespace around and between the blocks allowed, nothing else);
/// anything else — including an empty answer or thought — is <see cref="ResponseMode.Invalid"/>. The same forms as the
/// Rewards project's parser (which the CLI passes in); used by the evaluation report when no other parser is given.
/// </summary>
public sealed partial class TagResponseParser : IResponseParser
{
    [GeneratedRegex(@"\A\s*(?:<think>(?<think>.*?)</think>\s*)?<answer>(?<answer>.*?)</answer>\s*\z", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <inheritdoc />
    public ParsedResponse Parse(string response)
    {
        if (string.IsNullOrEmpty(response))
        {
            return new ParsedResponse(ResponseMode.Invalid, null, null, "empty response");
        }
        var m = Shape().Match(response);
        if (!m.Success)
        {
            return new ParsedResponse(ResponseMode.Invalid, null, null, "not <think>…</think><answer>…</answer> nor <answer>…</answer>");
        }
        var answer = m.Groups["answer"].Value.Trim();
        var think = m.Groups["think"].Value;
        if (HasTag(answer) || HasTag(think))
        {
            return new ParsedResponse(ResponseMode.Invalid, null, null, "repeated or nested tags");
        }
        if (answer.Length == 0 || (m.Groups["think"].Success && think.Trim().Length == 0))
        {
            return new ParsedResponse(ResponseMode.Invalid, null, null, "empty <answer> or <think>");
        }
        return m.Groups["think"].Success
            ? new ParsedResponse(ResponseMode.Think, think.Trim(), answer)
            : new ParsedResponse(ResponseMode.NoThink, null, answer);
    }

    private static bool HasTag(string text) =>
        text.Contains("<think>", StringComparison.Ordinal) || text.Contains("</think>", StringComparison.Ordinal)
        || text.Contains("<answer>", StringComparison.Ordinal) || text.Contains("</answer>", StringComparison.Ordinal);
}
