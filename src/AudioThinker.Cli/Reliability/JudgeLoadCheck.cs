using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AudioThinker.Abstractions;
using AudioThinker.Rewards.Judges;

namespace AudioThinker.Cli.Reliability;

/// <summary>What <see cref="JudgeLoadCheck"/> measured.</summary>
/// <param name="Requests">Requests judged.</param>
/// <param name="Distinct">Distinct prompts among them.</param>
/// <param name="Lost">Requests whose verdict was missing or not the score the server meant for them (must be 0).</param>
/// <param name="GarbageRequests">Requests whose prompt the server always answers with garbage or an out-of-range score.</param>
/// <param name="UnparsedVerdicts">Verdicts that came back unparsed (must equal <paramref name="GarbageRequests"/>).</param>
/// <param name="CacheEntries">Entries in the disk cache at the end.</param>
/// <param name="CacheExpected">Distinct prompts with a valid answer: the entries there must be, no more (no duplicates), no fewer.</param>
/// <param name="StrayFiles">Temporary files left in the cache (must be 0).</param>
/// <param name="Statistics">The client's counters.</param>
/// <param name="ServerRequests">HTTP requests the server received.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="ManagedMbAfterFirstBatch">Managed heap after a full collection, after the first batch.</param>
/// <param name="ManagedMbMaxLater">The largest such figure after any later batch.</param>
/// <param name="PeakWorkingSetMb">The process's peak working set.</param>
/// <param name="LostExamples">The first few lost requests: marker, fault class and what came back.</param>
public sealed record JudgeLoadResult(int Requests, int Distinct, int Lost, int GarbageRequests, int UnparsedVerdicts, int CacheEntries, int CacheExpected,
    int StrayFiles, OpenAiJudgeStatistics Statistics, int ServerRequests, double Seconds, double ManagedMbAfterFirstBatch, double ManagedMbMaxLater,
    double PeakWorkingSetMb, IReadOnlyList<string> LostExamples)
{
    /// <summary>Managed memory growth allowed from the first batch to the last: the cache is on disk and finished calls are
    /// dropped, so the heap must not grow with the number of requests.</summary>
    public const double AllowedGrowthMb = 32;

    /// <summary>True when nothing was lost or duplicated and memory stayed flat.</summary>
    public bool Passed => Lost == 0 && UnparsedVerdicts == GarbageRequests && CacheEntries == CacheExpected && StrayFiles == 0
        && ManagedMbMaxLater - ManagedMbAfterFirstBatch < AllowedGrowthMb;
}

/// <summary>
/// Sends many judge requests through <see cref="OpenAiCompatibleJudge"/> (with its disk cache) to a
/// <see cref="FaultInjectingJudgeServer"/> that, by a hash of each prompt, fails the first attempt with 500, with 429 and
/// <c>Retry-After</c>, by dropping the connection or by answering after the client's timeout, and always answers some prompts
/// with garbage or an out-of-range score. A tenth of the requests repeat earlier prompts (in the same batch: shared in-flight
/// calls; in a later one: cache hits). Requests go in batches, as a trainer's steps send them.
/// </summary>
public static class JudgeLoadCheck
{
    /// <summary>Runs the check.</summary>
    /// <param name="requests">Requests in all.</param>
    /// <param name="batchSize">Requests per batch.</param>
    /// <param name="cacheDirectory">A fresh folder for the judge cache.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    public static async Task<JudgeLoadResult> RunAsync(int requests, int batchSize, string cacheDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requests);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var attempts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await using var server = new FaultInjectingJudgeServer(r =>
        {
            var marker = MarkerOf(r.Prompt);
            var attempt = attempts.AddOrUpdate(marker, 1, (_, n) => n + 1);
            return (Class(marker), attempt) switch
            {
                (Fault.ServerError, 1) => JudgeReply.Status(500),
                (Fault.TooMany, 1) => JudgeReply.Status(429, retryAfter: "0"),
                (Fault.Dropped, 1) => new JudgeReply.Drop(),
                (Fault.Slow, 1) => JudgeReply.Completion(Score(marker), TimeSpan.FromSeconds(2)),
                (Fault.Garbage, _) => JudgeReply.Garbage(),
                (Fault.OutOfRange, _) => JudgeReply.Completion("1.7"),
                _ => JudgeReply.Completion(Score(marker)),
            };
        }, keepRequests: false);
        using var judge = new OpenAiCompatibleJudge("load", new OpenAiJudgeOptions
        {
            BaseUrl = server.BaseUrl,
            Model = "load-test",
            TimeoutSeconds = 0.5,
            MaxRetries = 4,
            RetryBaseDelaySeconds = 0.01,
            MaxRetryDelaySeconds = 0.2,
            MaxConcurrency = 16,
            CacheDirectory = cacheDirectory,
        });

        // Request i asks about marker i, except every tenth, which repeats a recent one.
        var markers = new string[requests];
        var rng = new Random(17);
        for (var i = 0; i < requests; i++)
        {
            markers[i] = i % 10 == 9 ? markers[Math.Max(0, i - 1 - rng.Next(Math.Min(i, 2 * batchSize)))] : $"m{i:D6}";
        }
        var clock = Stopwatch.StartNew();
        int lost = 0, unparsed = 0, garbage = 0;
        var examples = new List<string>();
        double first = 0, maxLater = 0;
        for (var start = 0; start < requests; start += batchSize)
        {
            var batch = markers[start..Math.Min(requests, start + batchSize)];
            var verdicts = await judge.JudgeAsync(batch.Select(Request).ToList(), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Length; i++)
            {
                var bad = Class(batch[i]) is Fault.Garbage or Fault.OutOfRange;
                garbage += bad ? 1 : 0;
                unparsed += verdicts[i].Parsed ? 0 : 1;
                var right = bad ? !verdicts[i].Parsed && verdicts[i].Score == 0
                    : verdicts[i].Parsed && verdicts[i].Score.ToString("0.0", CultureInfo.InvariantCulture) == Score(batch[i]);
                if (!right)
                {
                    lost++;
                    if (examples.Count < 5)
                    {
                        examples.Add($"{batch[i]} ({Class(batch[i])}): parsed={verdicts[i].Parsed} score={verdicts[i].Score} raw='{verdicts[i].RawOutput}'");
                    }
                }
            }
            var managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
            if (start == 0)
            {
                first = managed;
            }
            else
            {
                maxLater = Math.Max(maxLater, managed);
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var distinct = markers.Distinct(StringComparer.Ordinal).ToList();
        var cacheable = distinct.Count(m => Class(m) is not (Fault.Garbage or Fault.OutOfRange));
        var stray = Directory.EnumerateFiles(cacheDirectory, "*.tmp", SearchOption.AllDirectories).Count();
        return new JudgeLoadResult(requests, distinct.Count, lost, garbage, unparsed, new JudgeCache(cacheDirectory).Count, cacheable, stray,
            judge.Statistics, server.Count, seconds, first, Math.Max(first, maxLater), Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, examples);
    }

    private enum Fault
    {
        None,
        ServerError,
        TooMany,
        Dropped,
        Slow,
        Garbage,
        OutOfRange,
    }

    private static JudgeRequest Request(string marker) =>
        new(JudgeKind.ThinkQuality, "How many beeps are there?", ["2", "3", "4"], $"Counting the beeps ({marker}): one, two, three. So the answer is 3.", "3");

    private static string MarkerOf(string prompt)
    {
        var at = prompt.IndexOf("(m", StringComparison.Ordinal);
        return at < 0 ? "" : prompt.Substring(at + 1, 7);
    }

    private static int Hash(string marker) => SHA256.HashData(Encoding.UTF8.GetBytes(marker))[0] % 100;

    // About 5% each of 500, 429 and drops, 1% slow, 2% garbage, 1% out of range on every attempt.
    private static Fault Class(string marker) => Hash(marker) switch
    {
        < 5 => Fault.ServerError,
        < 10 => Fault.TooMany,
        < 15 => Fault.Dropped,
        < 16 => Fault.Slow,
        < 18 => Fault.Garbage,
        < 19 => Fault.OutOfRange,
        _ => Fault.None,
    };

    private static string Score(string marker) => (Hash(marker) % 11 / 10.0).ToString("0.0", CultureInfo.InvariantCulture);
}
