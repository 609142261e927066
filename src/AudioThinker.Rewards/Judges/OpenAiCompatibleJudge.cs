using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace AudioThinker.Rewards.Judges;

/// <summary>
/// A judge served by any OpenAI-compatible server (vLLM, SGLang, llama.cpp server, Ollama), through <c>/v1/completions</c>
/// (base models such as the paper's Qwen3-8B-Base) or <c>/v1/chat/completions</c>. Each request renders a prompt template,
/// is answered from the disk cache when it can be, else is sent with a per-attempt timeout and retries with exponential
/// backoff that honour <c>Retry-After</c> (Polly), at most <see cref="OpenAiJudgeOptions.MaxConcurrency"/> at once. Identical
/// prompts in flight share one call. Output not in the strict score format becomes an unparsed verdict with the fallback
/// score; a server that stays unreachable or refuses the request raises <see cref="JudgeException"/>.
/// </summary>
public sealed partial class OpenAiCompatibleJudge : IJudge, IDisposable
{
    private const int RawOutputLimit = 2000;

    private readonly OpenAiJudgeOptions _options;
    private readonly string _model;
    private readonly Uri _endpoint;
    private readonly string? _apiKey;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly JudgePromptTemplate _consistencyPrompt;
    private readonly JudgePromptTemplate _thinkPrompt;
    private readonly JudgeCache? _cache;
    private readonly SemaphoreSlim _slots;
    private readonly ResiliencePipeline<HttpAttempt> _resilience;
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _inFlight = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private long _httpAttempts, _retries, _cacheHits, _deduplicated, _unparsed;

    /// <summary>Creates the judge.</summary>
    /// <param name="name">The name it is registered under.</param>
    /// <param name="options">Server, model, retries, cache and prompts.</param>
    /// <param name="logger">Where retries are reported (never with the key).</param>
    /// <param name="httpClient">An HTTP client to use; null makes one that the judge disposes.</param>
    /// <param name="section">The configuration section the options came from, for messages.</param>
    public OpenAiCompatibleJudge(string name, OpenAiJudgeOptions options, ILogger? logger = null, HttpClient? httpClient = null, string? section = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        var path = section ?? $"rewards:judges:{name}";
        RewardsConfigurationException.ThrowIfAny(options.Validate(path));
        Name = name;
        _options = options;
        _model = options.Model!;
        _endpoint = new Uri(options.BaseUrl!.TrimEnd('/') + (options.Api == OpenAiJudgeApi.Chat ? "/chat/completions" : "/completions"));
        if (options.ApiKeyEnvironmentVariable is { } variable)
        {
            _apiKey = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(_apiKey))
            {
                throw new RewardsConfigurationException($"{path}:apiKeyEnvironmentVariable names {variable}, which is not set");
            }
        }
        _consistencyPrompt = JudgePromptTemplate.Load(JudgeKind.Consistency, options.ConsistencyPrompt, $"{path}:consistencyPrompt");
        _thinkPrompt = JudgePromptTemplate.Load(JudgeKind.ThinkQuality, options.ThinkQualityPrompt, $"{path}:thinkQualityPrompt");
        _cache = string.IsNullOrWhiteSpace(options.CacheDirectory) ? null : new JudgeCache(options.CacheDirectory);
        _logger = logger ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan, // each attempt is timed by the resilience pipeline instead
        };
        _resilience = BuildResilience(options);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The endpoint requests go to.</summary>
    public Uri Endpoint => _endpoint;

    /// <summary>Counters since creation.</summary>
    public OpenAiJudgeStatistics Statistics => new(
        Interlocked.Read(ref _httpAttempts), Interlocked.Read(ref _retries), Interlocked.Read(ref _cacheHits),
        Interlocked.Read(ref _deduplicated), Interlocked.Read(ref _unparsed));

    /// <inheritdoc />
    public async Task<IReadOnlyList<JudgeVerdict>> JudgeAsync(IReadOnlyList<JudgeRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var tasks = new Task<JudgeVerdict>[requests.Count];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = JudgeOneAsync(requests[i], cancellationToken);
        }
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>The prompt the judge sends for <paramref name="request"/>.</summary>
    public string RenderPrompt(JudgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (request.Kind == JudgeKind.Consistency ? _consistencyPrompt : _thinkPrompt).Render(request);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
        _slots.Dispose();
    }

    private async Task<JudgeVerdict> JudgeOneAsync(JudgeRequest request, CancellationToken ct)
    {
        var prompt = RenderPrompt(request);
        var key = JudgeCache.Key(
            "openai-judge/1", _model, _options.Api.ToString(), _options.MaxTokens.ToString(CultureInfo.InvariantCulture),
            _options.Temperature.ToString("R", CultureInfo.InvariantCulture), string.Join('\u001f', _options.Stop ?? []), prompt);

        if (_cache is not null && _cache.TryGet(key, _model, out var cached) && JudgeScoreParser.TryParse(request.Kind, cached, out var hit))
        {
            Interlocked.Increment(ref _cacheHits);
            return new JudgeVerdict(hit, true, cached);
        }

        var mine = new Lazy<Task<string?>>(() => FetchAndStoreAsync(request.Kind, prompt, key, ct));
        var call = _inFlight.GetOrAdd(key, mine);
        if (!ReferenceEquals(call, mine))
        {
            Interlocked.Increment(ref _deduplicated);
        }
        string? output;
        try
        {
            output = await call.Value.ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<string?>>>(key, call));
        }

        if (output is not null && JudgeScoreParser.TryParse(request.Kind, output, out var score))
        {
            return new JudgeVerdict(score, true, output);
        }
        Interlocked.Increment(ref _unparsed);
        double fallback = request.Kind == JudgeKind.Consistency ? _options.ConsistencyFallbackScore : _options.ThinkQualityFallbackScore;
        return new JudgeVerdict(fallback, false, output ?? "");
    }

    /// <summary>Calls the server; returns the generated text (or, for a malformed answer, its body marked as such), and caches
    /// text that parses.</summary>
    private async Task<string?> FetchAndStoreAsync(JudgeKind kind, string prompt, string key, CancellationToken ct)
    {
        HttpAttempt attempt;
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            attempt = await _resilience.ExecuteAsync(static async (state, token) => await state.Judge.SendAsync(state.Prompt, token).ConfigureAwait(false),
                (Judge: this, Prompt: prompt), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or IOException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new JudgeException(
                $"judge '{Name}': {_endpoint} failed after {_options.MaxRetries + 1} attempt(s): {Redact(e.Message)}", e);
        }
        finally
        {
            _slots.Release();
        }

        if (attempt.Status is < 200 or >= 300)
        {
            var retried = IsTransient(attempt.Status) ? $" after {_options.MaxRetries + 1} attempt(s)" : "";
            throw new JudgeException(
                $"judge '{Name}': {_endpoint} answered {attempt.Status} {attempt.Reason}{retried}: {Redact(Truncate(attempt.Body, 300))}");
        }

        var text = ExtractText(attempt.Body);
        if (text is null)
        {
            return $"[malformed response] {Redact(Truncate(attempt.Body, RawOutputLimit))}";
        }
        text = Redact(Truncate(text, RawOutputLimit));
        if (_cache is not null && JudgeScoreParser.TryParse(kind, text, out _))
        {
            _cache.Put(key, _model, text);
        }
        return text;
    }

    private async Task<HttpAttempt> SendAsync(string prompt, CancellationToken token)
    {
        Interlocked.Increment(ref _httpAttempts);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new StringContent(RequestBody(prompt), Encoding.UTF8, "application/json"),
        };
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
        var retryAfter = response.Headers.RetryAfter;
        TimeSpan? wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return new HttpAttempt((int)response.StatusCode, response.ReasonPhrase ?? "", body, wait);
    }

    private string RequestBody(string prompt)
    {
        var body = new JsonObject { ["model"] = _model };
        if (_options.Api == OpenAiJudgeApi.Chat)
        {
            body["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt });
        }
        else
        {
            body["prompt"] = prompt;
        }
        body["max_tokens"] = _options.MaxTokens;
        body["temperature"] = _options.Temperature;
        if (_options.Stop is { Count: > 0 } stop)
        {
            body["stop"] = new JsonArray(stop.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
        }
        return body.ToJsonString();
    }

    /// <summary>The generated text of a completions or chat answer; null when the body is not one.</summary>
    private string? ExtractText(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                return null;
            }
            var first = choices[0];
            var text = _options.Api == OpenAiJudgeApi.Chat
                ? first.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content) ? content : default
                : first.TryGetProperty("text", out var t) ? t : default;
            return text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private ResiliencePipeline<HttpAttempt> BuildResilience(OpenAiJudgeOptions o)
    {
        var builder = new ResiliencePipelineBuilder<HttpAttempt>();
        if (o.MaxRetries > 0)
        {
            var maxDelay = TimeSpan.FromSeconds(o.MaxRetryDelaySeconds);
            builder.AddRetry(new RetryStrategyOptions<HttpAttempt>
            {
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(o.RetryBaseDelaySeconds),
                MaxDelay = maxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException or IOException } => true,
                    { Exception: OperationCanceledException } => !args.Context.CancellationToken.IsCancellationRequested,
                    { Exception: null } => IsTransient(args.Outcome.Result!.Status),
                    _ => false,
                }),
                // Retry-After wins over the computed backoff, capped like it.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } wait
                    ? (TimeSpan?)TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, maxDelay.Ticks))
                    : null),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    var why = args.Outcome.Exception is { } e ? $"{e.GetType().Name}: {Redact(e.Message)}" : $"HTTP {args.Outcome.Result!.Status}";
                    LogRetry(_logger, Name, args.AttemptNumber + 1, _endpoint, why, args.RetryDelay);
                    return default;
                },
            });
        }
        builder.AddTimeout(TimeSpan.FromSeconds(o.TimeoutSeconds));
        return builder.Build();
    }

    private static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    private string Redact(string text) => _apiKey is null ? text : text.Replace(_apiKey, "[redacted]", StringComparison.Ordinal);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "judge {Judge}: attempt {Attempt} to {Endpoint} failed ({Why}); retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, string judge, int attempt, Uri endpoint, string why, TimeSpan delay);

    private sealed record HttpAttempt(int Status, string Reason, string Body, TimeSpan? RetryAfter);
}
