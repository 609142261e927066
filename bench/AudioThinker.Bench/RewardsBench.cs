using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using AudioThinker.Abstractions;
using AudioThinker.Rewards.Functions;
using AudioThinker.Rewards.Judges;
using AudioThinker.Rewards.Parsing;
using AudioThinker.Rewards.Pipeline;

namespace AudioThinker.Bench;

/// <summary>
/// Rewards and judges: (1) the tag parser against a regex format check, (2) the paper's pipeline with the rule-based judge on
/// the paper's batch (16 groups × 8), (3) the OpenAI-compatible judge against a local server with a fixed latency, at
/// concurrency 1, 4, 16 and 64, then a second pass answered from the disk cache.
/// Options: <c>--seconds S</c> per CPU measurement (default 2), <c>--requests N</c> (default 128), <c>--latency-ms L</c> (default 20).
/// </summary>
public static partial class RewardsBench
{
    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        double seconds = double.Parse(Option(args, "--seconds") ?? "2", CultureInfo.InvariantCulture);
        int requests = int.Parse(Option(args, "--requests") ?? "128", CultureInfo.InvariantCulture);
        int latency = int.Parse(Option(args, "--latency-ms") ?? "20", CultureInfo.InvariantCulture);

        var batch = Batch(16, 8);
        var texts = batch.SelectMany(g => g.Rollouts.Select(r => r.Text)).ToArray();

        // 1. Parsing: the scanner against a regex that matches the two forms and extracts their parts (but gives no reasons).
        double scan = Rate(seconds, () => { foreach (var t in texts) { TaggedResponseParser.Instance.Parse(t); } }) * texts.Length;
        double regex = Rate(seconds, () =>
        {
            foreach (var t in texts)
            {
                var m = ReferenceForm().Match(t);
                _ = m.Success ? (m.Groups["t"].Value.Trim(), m.Groups["a"].Value.Trim()) : default;
            }
        }) * texts.Length;
        Table.Print(["parser", "responses/s", "time / scanner's"],
        [
            ["TaggedResponseParser", F(scan, "0"), "1.00"],
            ["regex match + groups", F(regex, "0"), F(scan / regex, "0.00")],
        ]);
        Console.WriteLine();

        // 2. The paper's pipeline with the rule-based judge.
        var judge = new RuleBasedJudge();
        var pipeline = new RewardPipeline(
            [new FormatReward(), new AccuracyReward(), new AdaptiveThinkAccuracyReward(), new ConsistencyReward(judge), new ThinkReward(judge)],
            new AudioThinkerTotal());
        var context = new RewardContext(100, 1000);
        double batches = Rate(seconds, () => pipeline.ScoreAsync(batch, context).GetAwaiter().GetResult());
        Table.Print(["pipeline (rule-based judge)", "batches/s", "ms/batch", "rollouts/s"],
            [["16 groups × 8 rollouts", F(batches, "0.0"), F(1000 / batches, "0.00"), F(batches * texts.Length, "0")]]);
        Console.WriteLine();

        // 3. The HTTP judge: concurrency against a server that takes `latency` ms per answer, then the cache.
        using var server = new SlowServer(latency);
        var judged = Enumerable.Range(0, requests)
            .Select(i => new JudgeRequest(JudgeKind.ThinkQuality, "How many beeps?", ["1", "2", "3"], $"reasoning {i}: high beeps: 2.", "2"))
            .ToArray();
        var rows = new List<IReadOnlyList<string>>();
        double serial = 0;
        var cache = Directory.CreateTempSubdirectory("at-bench-cache-");
        try
        {
            foreach (int concurrency in new[] { 1, 4, 16, 64 })
            {
                var options = new OpenAiJudgeOptions
                {
                    BaseUrl = server.BaseUrl,
                    Model = "bench",
                    MaxConcurrency = concurrency,
                    CacheDirectory = concurrency == 64 ? cache.FullName : null,
                };
                using var http = new OpenAiCompatibleJudge("bench", options);
                var clock = Stopwatch.StartNew();
                http.JudgeAsync(judged).GetAwaiter().GetResult();
                double ms = clock.Elapsed.TotalMilliseconds;
                serial = concurrency == 1 ? ms : serial;
                rows.Add([$"concurrency {concurrency}", F(ms, "0"), F(requests / (ms / 1000), "0"), F(serial / ms, "0.0")]);
            }
            using var resumed = new OpenAiCompatibleJudge("bench", new OpenAiJudgeOptions { BaseUrl = server.BaseUrl, Model = "bench", CacheDirectory = cache.FullName });
            var warm = Stopwatch.StartNew();
            resumed.JudgeAsync(judged).GetAwaiter().GetResult();
            double cached = warm.Elapsed.TotalMilliseconds;
            rows.Add([$"disk cache ({resumed.Statistics.CacheHits} hits, {resumed.Statistics.HttpAttempts} calls)", F(cached, "0"), F(requests / (cached / 1000), "0"), F(serial / cached, "0.0")]);
        }
        finally
        {
            cache.Delete(true);
        }
        Table.Print([$"OpenAI judge, {requests} requests, {latency} ms server latency", "ms", "requests/s", "speed-up"], rows);
        return 0;
    }

    /// <summary>Calls per second of <paramref name="action"/>, after a warm-up, over about <paramref name="seconds"/>.</summary>
    private static double Rate(double seconds, Action action)
    {
        action();
        long n = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            action();
            n++;
        }
        return n / clock.Elapsed.TotalSeconds;
    }

    /// <summary>A synthetic batch: a mix of think, no-think and invalid responses, with facts, like a policy early in training.</summary>
    private static RolloutGroup[] Batch(int groups, int size)
    {
        var rng = new Random(1);
        string[] choices = ["0", "1", "2", "3", "4"];
        return Enumerable.Range(0, groups).Select(g =>
        {
            int high = rng.Next(0, 5);
            var q = new AudioQuestion($"q{g}", null, "how many high beeps are there?", choices, high.ToString(CultureInfo.InvariantCulture))
            {
                Facts = new Dictionary<string, string> { ["sequence"] = "high low high", ["high_beeps"] = high.ToString(CultureInfo.InvariantCulture) },
            };
            var rollouts = Enumerable.Range(0, size).Select(i =>
            {
                int said = rng.Next(0, 5);
                var text = (i % 4) switch
                {
                    0 or 1 => $"<think>sequence: high low high. I hear {said} high beeps in the clip, then silence. so the answer is {said}.</think><answer>{said}</answer>",
                    2 => $"<answer>{said}</answer>",
                    _ => $"I think it is {said}",
                };
                return new Rollout(text, [], false, TaggedResponseParser.Instance.Parse(text));
            }).ToArray();
            return new RolloutGroup(q, rollouts);
        }).ToArray();
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(?:<think>(?<t>.+?)</think>\s*)?<answer>(?<a>.+?)</answer>\s*$", RegexOptions.Singleline)]
    private static partial Regex ReferenceForm();

    /// <summary>An OpenAI-compatible completions endpoint on 127.0.0.1 that answers "0.5" after a fixed delay.</summary>
    private sealed class SlowServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public SlowServer(int latencyMs)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            BaseUrl = $"http://127.0.0.1:{port}/v1";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try
                    {
                        ctx = await _listener.GetContextAsync();
                    }
                    catch (Exception) when (!_listener.IsListening)
                    {
                        return;
                    }
                    _ = Task.Run(async () =>
                    {
                        using (var reader = new StreamReader(ctx.Request.InputStream))
                        {
                            await reader.ReadToEndAsync();
                        }
                        await Task.Delay(latencyMs);
                        var body = Encoding.UTF8.GetBytes("{\"choices\":[{\"index\":0,\"text\":\"0.5\"}]}");
                        ctx.Response.ContentType = "application/json";
                        ctx.Response.ContentLength64 = body.Length;
                        await ctx.Response.OutputStream.WriteAsync(body);
                        ctx.Response.Close();
                    });
                }
            });
        }

        public string BaseUrl { get; }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The loop ends with the listener.
            }
        }
    }
}
