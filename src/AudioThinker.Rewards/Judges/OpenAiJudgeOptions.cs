using AudioThinker.Rewards.Options;

namespace AudioThinker.Rewards.Judges;

/// <summary>Options of an <see cref="OpenAiCompatibleJudge"/> (section <c>rewards:judges:NAME</c> with <c>type: openai</c>).</summary>
public sealed class OpenAiJudgeOptions
{
    /// <summary>The server's API root, including <c>/v1</c>, e.g. <c>http://127.0.0.1:8000/v1</c>. Required.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The model name the server serves, e.g. <c>Qwen/Qwen3-8B-Base</c>. Required.</summary>
    public string? Model { get; set; }

    /// <summary>completions (raw prompt, for base models) or chat. Default completions.</summary>
    public OpenAiJudgeApi Api { get; set; } = OpenAiJudgeApi.Completions;

    /// <summary>The name of the environment variable that holds the API key; the key itself is never configured, logged or
    /// written. Default (null): send no key (local servers need none).</summary>
    public string? ApiKeyEnvironmentVariable { get; set; }

    /// <summary>Most tokens the judge may generate. Default 8: a score is a few tokens.</summary>
    public int MaxTokens { get; set; } = 8;

    /// <summary>Sampling temperature. Default 0 (greedy, so that cached verdicts are the verdicts).</summary>
    public double Temperature { get; set; }

    /// <summary>Stop strings sent to the server. Default (null): none; the score parser reads only the first line anyway.</summary>
    public List<string>? Stop { get; set; }

    /// <summary>Time limit of one attempt, in seconds. Default 60.</summary>
    public double TimeoutSeconds { get; set; } = 60;

    /// <summary>Retries after a timeout, a connection failure, 408, 429 or a 5xx answer. Default 5.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First retry delay in seconds; later ones grow exponentially, with jitter. Default 1.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 1;

    /// <summary>Longest wait between attempts in seconds, including one a <c>Retry-After</c> header asks for. Default 60.</summary>
    public double MaxRetryDelaySeconds { get; set; } = 60;

    /// <summary>Requests in flight at once, at most. Default 16.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>A directory for the on-disk verdict cache, keyed by model and prompt. Default (null): no disk cache.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>A file that replaces the shipped consistency prompt template. Default (null): the shipped one.</summary>
    public string? ConsistencyPrompt { get; set; }

    /// <summary>A file that replaces the shipped think-quality prompt template. Default (null): the shipped one.</summary>
    public string? ThinkQualityPrompt { get; set; }

    /// <summary>Consistency score used when the judge's output does not parse. Default 0 (no bonus without a verdict).</summary>
    public double ConsistencyFallbackScore { get; set; }

    /// <summary>Think-quality score used when the judge's output does not parse. Default 0.</summary>
    public double ThinkQualityFallbackScore { get; set; }

    internal List<string> Validate(string path)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(BaseUrl))
        {
            errors.Add($"{path}:baseUrl must be set (e.g. http://127.0.0.1:8000/v1)");
        }
        else if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{path}:baseUrl must be an absolute http or https URL (got '{BaseUrl}')");
        }
        OptionChecks.NotBlank(errors, path, "model", Model);
        if (!Enum.IsDefined(Api))
        {
            errors.Add($"{path}:api must be completions or chat (got {Api})");
        }
        OptionChecks.AtLeast(errors, path, "maxTokens", MaxTokens, 1);
        OptionChecks.InRange(errors, path, "temperature", Temperature, 0, 2);
        OptionChecks.InRange(errors, path, "timeoutSeconds", TimeoutSeconds, 0.01, 86400);
        OptionChecks.AtLeast(errors, path, "maxRetries", MaxRetries, 0);
        OptionChecks.InRange(errors, path, "retryBaseDelaySeconds", RetryBaseDelaySeconds, 0, 3600);
        OptionChecks.InRange(errors, path, "maxRetryDelaySeconds", MaxRetryDelaySeconds, 0, 86400);
        OptionChecks.AtLeast(errors, path, "maxConcurrency", MaxConcurrency, 1);
        OptionChecks.InRange(errors, path, "consistencyFallbackScore", ConsistencyFallbackScore, 0, 1);
        OptionChecks.InRange(errors, path, "thinkQualityFallbackScore", ThinkQualityFallbackScore, 0, 1);
        if (ApiKeyEnvironmentVariable is { } env && string.IsNullOrWhiteSpace(env))
        {
            errors.Add($"{path}:apiKeyEnvironmentVariable must name a variable or be left out");
        }
        return errors;
    }
}
