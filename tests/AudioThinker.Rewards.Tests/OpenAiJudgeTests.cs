using System.Collections.Concurrent;
using System.Diagnostics;
using AudioThinker.Abstractions;
using AudioThinker.Rewards.Judges;

namespace AudioThinker.Rewards.Tests;

/// <summary>The HTTP judge against a real local server that misbehaves on purpose. Every wait is bounded.</summary>
public sealed class OpenAiJudgeTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-judge-");

    public void Dispose() => _dir.Delete(true);

    private static OpenAiJudgeOptions Options(FaultyOpenAiServer server, Action<OpenAiJudgeOptions>? change = null)
    {
        var o = new OpenAiJudgeOptions
        {
            BaseUrl = server.BaseUrl,
            Model = "Qwen/Qwen3-8B-Base",
            TimeoutSeconds = 5,
            MaxRetries = 3,
            RetryBaseDelaySeconds = 0.01,
            MaxRetryDelaySeconds = 5,
            MaxConcurrency = 4,
        };
        change?.Invoke(o);
        return o;
    }

    private static JudgeRequest Consistency(string marker) =>
        new(JudgeKind.Consistency, "How many beeps?", ["3", "4"], $"I count them: {marker}, so the answer is 3", "3");

    private static JudgeRequest Quality(string marker) => Consistency(marker) with { Kind = JudgeKind.ThinkQuality };

    /// <summary>Counts attempts per marker found in the prompt, so a handler can fail the first attempt only.</summary>
    private sealed class Attempts
    {
        private readonly ConcurrentDictionary<string, int> _counts = new();

        public int Next(ServerRequest r, string marker) => r.Prompt.Contains(marker) ? _counts.AddOrUpdate(marker, 1, (_, n) => n + 1) : 0;
    }

    [Fact]
    public async Task CompletionsRequestsCarryThePromptAndParseTheScore()
    {
        await using var server = new FaultyOpenAiServer(_ => Reply.Completion(" 1\n\nQuestion: and the model rambles on"));
        using var judge = new OpenAiCompatibleJudge("qwen", Options(server));
        var v = (await judge.JudgeAsync([Consistency("plain")]).WaitAsync(Deadline)).Single();
        Assert.Equal(new JudgeVerdict(1, true, " 1\n\nQuestion: and the model rambles on"), v);

        var r = Assert.Single(server.Received);
        Assert.Equal(("POST", "/v1/completions"), (r.Method, r.Path));
        Assert.Equal("Qwen/Qwen3-8B-Base", r.Json["model"]!.GetValue<string>());
        Assert.Equal(8, r.Json["max_tokens"]!.GetValue<int>());
        Assert.Equal(0, r.Json["temperature"]!.GetValue<double>());
        Assert.Contains("<<<BEGIN REASONING>>>\nI count them: plain, so the answer is 3\n<<<END REASONING>>>", r.Prompt);
        Assert.Equal(judge.RenderPrompt(Consistency("plain")), r.Prompt);
        Assert.False(r.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task ChatEndpointSendsOneUserMessage()
    {
        await using var server = new FaultyOpenAiServer(_ => Reply.Chat("0.7"));
        using var judge = new OpenAiCompatibleJudge("qwen", Options(server, o => o.Api = OpenAiJudgeApi.Chat));
        var v = (await judge.JudgeAsync([Quality("chat")]).WaitAsync(Deadline)).Single();
        Assert.Equal(0.7, v.Score);
        Assert.True(v.Parsed);
        var r = Assert.Single(server.Received);
        Assert.Equal("/v1/chat/completions", r.Path);
        Assert.Equal("user", r.Json["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Contains("Score:", r.Prompt);
    }

    [Fact]
    public async Task ASlowAnswerTimesOutAndIsRetried()
    {
        var attempts = new Attempts();
        await using var server = new FaultyOpenAiServer(r => attempts.Next(r, "slow") == 1
            ? Reply.Completion("1", delay: TimeSpan.FromSeconds(10))
            : Reply.Completion("1"));
        using var judge = new OpenAiCompatibleJudge("qwen", Options(server, o => o.TimeoutSeconds = 1));
        var clock = Stopwatch.StartNew();
        var v = (await judge.JudgeAsync([Consistency("slow")]).WaitAsync(Deadline)).Single();
        Assert.True(v.Parsed);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}"); // far less than the 10 s answer
        // The first attempt timed out; a loaded machine may time out a second one too.
        Assert.InRange(judge.Statistics.HttpAttempts, 2, 4);
        Assert.Equal(judge.Statistics.HttpAttempts - 1, judge.Statistics.Retries);
    }

    [Fact]
    public async Task TooManyRequestsHonoursRetryAfter()
    {
        var attempts = new Attempts();
        await using var server = new FaultyOpenAiServer(r => attempts.Next(r, "busy") == 1 ? Reply.Status(429, retryAfter: "1") : Reply.Completion("0"));
        var log = new ListLogger();
        using var judge = new OpenAiCompatibleJudge("qwen", Options(server), log);
        var clock = Stopwatch.StartNew();
        var v = (await judge.JudgeAsync([Consistency("busy")]).WaitAsync(Deadline)).Single();
        Assert.Equal(new JudgeVerdict(0, true, "0"), v);
        // The base delay is 10 ms: waiting about a second can only come from Retry-After.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"retried after {clock.Elapsed}");
        Assert.Contains(log.Messages, m => m.Contains("HTTP 429") && m.Contains("00:00:01"));
    }

    [Fact]
    public async Task ServerErrorsAndResetsAreRetried()
    {
        var attempts = new Attempts();
        await using var server = new FaultyOpenAiServer(r =>
        {
            int n = Math.Max(attempts.Next(r, "flaky"), attempts.Next(r, "reset"));
            return n switch
            {
                1 when r.Prompt.Contains("reset") => new Reply.Reset(),
                1 or 2 => Reply.Status(500),
                _ => Reply.Completion("1"),
            };
        });
        using var judge = new OpenAiCompatibleJudge("qwen", Options(server));
        var verdicts = await judge.JudgeAsync([Consistency("flaky"), Consistency("reset")]).WaitAsync(Deadline);
        Assert.All(verdicts, v => Assert.Equal(new JudgeVerdict(1, true, "1"), v));
        Assert.Equal(6, judge.Statistics.HttpAttempts); // flaky: 500, 500, ok; reset: reset, 500, ok
        Assert.Equal(4, judge.Statistics.Retries);
    }

    [Fact]
    public async Task GarbageAndOutOfRangeScoresAreUnparsedWithTheFallback()
    {
        await using var server = new FaultyOpenAiServer(r =>
            r.Prompt.Contains("garbage") ? new Reply.Raw(200, "<html>upstream hiccup</html>")
            : r.Prompt.Contains("nochoices") ? new Reply.Raw(200, "{\"choices\":[]}")
            : Reply.Completion(r.Prompt.Contains("Score:") ? "1.7" : "2"));
        using var judge = new OpenAiCompatibleJudge("qwen", Options(server, o =>
        {
            o.ConsistencyFallbackScore = 1;
            o.ThinkQualityFallbackScore = 0.2;
            o.CacheDirectory = Path.Combine(_dir.FullName, "cache");
        }));
        var v = await judge.JudgeAsync([Consistency("garbage"), Quality("range"), Consistency("range"), Quality("nochoices")]).WaitAsync(Deadline);
        Assert.Equal(new JudgeVerdict(1, false, "[malformed response] <html>upstream hiccup</html>"), v[0]);
        Assert.Equal(new JudgeVerdict(0.2, false, "1.7"), v[1]);
        Assert.Equal(new JudgeVerdict(1, false, "2"), v[2]);
        Assert.Equal(0.2, v[3].Score);
        Assert.False(v[3].Parsed);
        Assert.Equal(4, judge.Statistics.Unparsed);
        Assert.Equal(4, judge.Statistics.HttpAttempts); // content faults are not retried
        Assert.Equal(0, new JudgeCache(Path.Combine(_dir.FullName, "cache")).Count); // and not cached
    }

    [Fact]
    public async Task AServerThatStaysDownOrRefusesRaisesAJudgeException()
    {
        await using var server = new FaultyOpenAiServer(r => r.Prompt.Contains("refuse") ? Reply.Status(401) : Reply.Status(503));
        using var judge = new OpenAiCompatibleJudge("qwen", Options(server, o => o.MaxRetries = 2));
        var down = await Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([Consistency("down")]).WaitAsync(Deadline));
        Assert.Contains($"{server.BaseUrl}/completions answered 503 Service Unavailable after 3 attempt(s)", down.Message);
        Assert.Equal(3, judge.Statistics.HttpAttempts);

        var refused = await Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([Consistency("refuse")]).WaitAsync(Deadline));
        Assert.Contains("answered 401 Unauthorized", refused.Message);
        Assert.Equal(4, judge.Statistics.HttpAttempts); // 401 is not retried
    }

    [Fact]
    public async Task NoDeadlockWith64RequestsInFlightAndFaultsMixedIn()
    {
        var attempts = new Attempts();
        await using var server = new FaultyOpenAiServer(r =>
        {
            // The marker is "req-N"; every request but the duplicates is distinct.
            var marker = System.Text.RegularExpressions.Regex.Match(r.Prompt, @"req-\d+").Value;
            int n = int.Parse(marker[4..]);
            int attempt = attempts.Next(r, marker + ",");
            return (n % 5, attempt) switch
            {
                (0, 1) => Reply.Status(500),
                (1, 1) => Reply.Status(429, retryAfter: "0"),
                (2, 1) => new Reply.Reset(),
                (3, 1) => Reply.Completion("0.5", delay: TimeSpan.FromSeconds(10)), // times out
                _ => Reply.Completion((n % 11 / 10.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), delay: TimeSpan.FromMilliseconds(20)),
            };
        });
        using var judge = new OpenAiCompatibleJudge("qwen", Options(server, o =>
        {
            o.MaxConcurrency = 8;
            o.TimeoutSeconds = 1;
            o.MaxRetries = 4;
        }));
        // 56 distinct requests plus 8 duplicates of request 4 (which succeeds at once).
        var requests = Enumerable.Range(0, 56).Select(i => Quality($"req-{i}"))
            .Concat(Enumerable.Repeat(Quality("req-4"), 8)).ToArray();
        var verdicts = await judge.JudgeAsync(requests).WaitAsync(Deadline);

        Assert.Equal(64, verdicts.Count);
        Assert.All(verdicts, v => Assert.True(v.Parsed, v.RawOutput));
        for (int i = 0; i < 56; i++)
        {
            Assert.Equal(i % 11 / 10.0, verdicts[i].Score, 12);
        }
        Assert.All(verdicts.Skip(56), v => Assert.Equal(0.4, v.Score, 12));
        Assert.InRange(server.Peak, 1, 8);
        Assert.True(judge.Statistics.Deduplicated >= 1, "identical prompts in flight should share a call");
        Assert.True(judge.Statistics.Retries >= 4 * 11, $"retries {judge.Statistics.Retries}");
    }

    [Fact]
    public async Task TheDiskCacheServesAResumedRun()
    {
        await using var server = new FaultyOpenAiServer(r => Reply.Completion(r.Prompt.Contains("Score:") ? "0.6" : "1"));
        var cache = Path.Combine(_dir.FullName, "cache");
        var requests = Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? Consistency($"c{i}") : Quality($"q{i}")).ToArray();

        IReadOnlyList<JudgeVerdict> first;
        using (var judge = new OpenAiCompatibleJudge("qwen", Options(server, o => o.CacheDirectory = cache)))
        {
            first = await judge.JudgeAsync(requests).WaitAsync(Deadline);
            Assert.Equal(10, judge.Statistics.HttpAttempts);
        }
        Assert.Equal(10, new JudgeCache(cache).Count);

        using (var resumed = new OpenAiCompatibleJudge("qwen", Options(server, o => o.CacheDirectory = cache)))
        {
            var again = await resumed.JudgeAsync(requests).WaitAsync(Deadline);
            Assert.Equal(first, again);
            Assert.Equal(0, resumed.Statistics.HttpAttempts);
            Assert.Equal(10, resumed.Statistics.CacheHits);
        }

        // Another model is another key.
        using var other = new OpenAiCompatibleJudge("qwen", Options(server, o => { o.CacheDirectory = cache; o.Model = "other"; }));
        await other.JudgeAsync(requests.Take(1).ToArray()).WaitAsync(Deadline);
        Assert.Equal(1, other.Statistics.HttpAttempts);
        Assert.Equal(10, server.Received.Count - 1);
    }

    [Fact]
    public async Task TheApiKeyComesFromTheEnvironmentAndIsNeverWritten()
    {
        const string variable = "AUDIOTHINKER_TEST_JUDGE_KEY_4F2A";
        const string key = "sk-test-0123456789abcdef";
        Environment.SetEnvironmentVariable(variable, key);
        try
        {
            var attempts = new Attempts();
            await using var server = new FaultyOpenAiServer(r =>
                r.Prompt.Contains("echo") ? new Reply.Raw(403, $"{{\"error\":\"bad key {key}\"}}")
                : attempts.Next(r, "once") == 1 ? Reply.Status(500)
                : Reply.Completion($"1\n{key}"));
            var log = new ListLogger();
            var cache = Path.Combine(_dir.FullName, "keycache");
            using var judge = new OpenAiCompatibleJudge("qwen", Options(server, o => { o.ApiKeyEnvironmentVariable = variable; o.CacheDirectory = cache; }), log);

            var v = (await judge.JudgeAsync([Consistency("once")]).WaitAsync(Deadline)).Single();
            Assert.All(server.Received, r => Assert.Equal($"Bearer {key}", r.Headers["Authorization"]));
            Assert.True(v.Parsed);
            Assert.Equal(1, new JudgeCache(cache).Count);
            Assert.DoesNotContain(key, v.RawOutput);
            Assert.Contains("[redacted]", v.RawOutput);
            var e = await Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([Consistency("echo")]).WaitAsync(Deadline));
            Assert.DoesNotContain(key, e.Message);

            Assert.NotEmpty(log.Messages);
            Assert.All(log.Messages, m => Assert.DoesNotContain(key, m));
            foreach (var file in Directory.EnumerateFiles(_dir.FullName, "*", SearchOption.AllDirectories))
            {
                Assert.DoesNotContain(key, File.ReadAllText(file));
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        await using var any = new FaultyOpenAiServer(_ => Reply.Completion("1"));
        var missing = Assert.Throws<RewardsConfigurationException>(() => new OpenAiCompatibleJudge("qwen", Options(any, o => o.ApiKeyEnvironmentVariable = variable)));
        Assert.Contains($"rewards:judges:qwen:apiKeyEnvironmentVariable names {variable}, which is not set", missing.Message);
    }

    [Fact]
    public async Task CancellationStopsWaitingPromptly()
    {
        await using var server = new FaultyOpenAiServer(_ => Reply.Completion("1", delay: TimeSpan.FromSeconds(20)));
        using var judge = new OpenAiCompatibleJudge("qwen", Options(server, o => o.TimeoutSeconds = 30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => judge.JudgeAsync([Consistency("a"), Consistency("b")], cts.Token).WaitAsync(Deadline));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
