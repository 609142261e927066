using System.Text.Json.Nodes;

namespace AudioThinker.Cli.Reliability;

/// <summary>What a <see cref="FaultInjectingJudgeServer"/> does with one request: answer (properly, slowly, with an error
/// status or with garbage) or drop the connection.</summary>
public abstract record JudgeReply
{
    /// <summary>A <c>/v1/completions</c> answer whose generated text is <paramref name="text"/>.</summary>
    public static JudgeReply Completion(string text, TimeSpan? delay = null) =>
        new Http(200, new JsonObject { ["object"] = "text_completion", ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = text }) }.ToJsonString(), delay);

    /// <summary>An error status with an optional <c>Retry-After</c> (seconds).</summary>
    public static JudgeReply Status(int code, string? retryAfter = null) =>
        new Http(code, "{\"error\":\"injected fault\"}", null, retryAfter);

    /// <summary>A 200 whose body is not an OpenAI answer.</summary>
    public static JudgeReply Garbage(string body = "<html>502 bad gateway</html>") => new Http(200, body);

    /// <summary>An HTTP answer, sent after <paramref name="Delay"/>.</summary>
    /// <param name="Code">The status code.</param>
    /// <param name="Body">The body.</param>
    /// <param name="Delay">How long to wait before answering.</param>
    /// <param name="RetryAfter">The <c>Retry-After</c> header's value, if any.</param>
    public sealed record Http(int Code, string Body, TimeSpan? Delay = null, string? RetryAfter = null) : JudgeReply;

    /// <summary>Abort the connection without an answer.</summary>
    public sealed record Drop : JudgeReply;
}
