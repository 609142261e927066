using System.Diagnostics;
using System.Globalization;

namespace AudioThinker.Cli.Reliability;

/// <summary>One kill of a training process.</summary>
/// <param name="Attempt">Which start it was (0 is the first, later ones ran with <c>--resume</c>).</param>
/// <param name="AfterSeconds">Seconds after the start it was killed.</param>
/// <param name="During">The last progress the process had printed (its stage or step), i.e. where the kill landed.</param>
public sealed record KillRecord(int Attempt, double AfterSeconds, string During);

/// <summary>What <see cref="KillResumeCheck"/> found.</summary>
/// <param name="Expected">The fingerprint of the uninterrupted run's final checkpoint.</param>
/// <param name="Actual">The fingerprint of the killed-and-resumed run's final checkpoint.</param>
/// <param name="Kills">The kills, in order.</param>
/// <param name="StraightSeconds">Wall time of the uninterrupted run.</param>
/// <param name="InterruptedSeconds">Wall time of all starts of the interrupted run together.</param>
public sealed record KillResumeResult(string Expected, string Actual, IReadOnlyList<KillRecord> Kills, double StraightSeconds, double InterruptedSeconds)
{
    /// <summary>True when the resumed run ended bit-identical (weights, optimizer state, trainer state) to the straight one.</summary>
    public bool Identical => Expected == Actual;
}

/// <summary>
/// Trains <see cref="TinyExperiment"/> once without interruption, then again with SIGKILLs at random moments (during start-up,
/// the warm-up, a GRPO step or a checkpoint write), resuming with <c>--resume</c> after each, and compares the two final
/// checkpoints byte for byte. The trainer is deterministic on CPU, so any lost or doubled step, or any state not restored,
/// shows up as a different fingerprint.
/// </summary>
public static partial class KillResumeCheck
{
    /// <summary>Runs the check.</summary>
    /// <param name="cliDll">The path of <c>audiothinker.dll</c>.</param>
    /// <param name="workFolder">A scratch folder (two run folders are made in it).</param>
    /// <param name="kills">How many times to kill the interrupted run.</param>
    /// <param name="grpoSteps">GRPO steps of each run.</param>
    /// <param name="seed">Seed of the kill times.</param>
    /// <param name="perStartTimeout">Most time one start may take.</param>
    /// <param name="progress">Told about each start and kill.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    public static async Task<KillResumeResult> RunAsync(string cliDll, string workFolder, int kills, int grpoSteps, int seed, TimeSpan perStartTimeout,
        Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kills);
        var straightFile = TinyExperiment.Write(Path.Combine(workFolder, "straight"), grpoSteps);
        var clock = Stopwatch.StartNew();
        double firstStep = -1;
        using (var straight = TrainingProcess.Start(cliDll, ["train", "--config", straightFile], onLine: line =>
               {
                   if (firstStep < 0 && IsProgress(line))
                   {
                       firstStep = clock.Elapsed.TotalSeconds;
                   }
               }))
        {
            var code = await straight.WaitAsync(perStartTimeout, cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new InvalidOperationException($"the uninterrupted run exited with {code}:\n{straight.Output}");
            }
        }
        var straightSeconds = clock.Elapsed.TotalSeconds;
        var expected = TinyExperiment.Fingerprint(TinyExperiment.LatestGrpoCheckpoint(straightFile)
            ?? throw new InvalidOperationException("the uninterrupted run left no GRPO checkpoint"));
        progress?.Invoke($"uninterrupted run: {straightSeconds:F1} s, first step after {firstStep:F1} s");

        // Each printed step arms the kill with probability 1/2, each stage with 1/6 (the last step always does), and the kill
        // then lands a random fraction of a step later: in start-up, the warm-up, a GRPO step, or a checkpoint write.
        var stepSeconds = Math.Max(0.05, (straightSeconds - Math.Max(0.5, firstStep)) / (grpoSteps + 2));
        var rng = new Random(seed);
        var killedFile = TinyExperiment.Write(Path.Combine(workFolder, "killed"), grpoSteps);
        var records = new List<KillRecord>();
        var interrupted = Stopwatch.StartNew();
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var gate = new object();
            var during = "start-up";
            var killedDuring = (string?)null;
            var armed = records.Count >= kills;
            var started = Stopwatch.StartNew();
            TrainingProcess? run = null;
            string[] args = attempt == 0 ? ["train", "--config", killedFile] : ["train", "--config", killedFile, "--resume"];
            run = TrainingProcess.Start(cliDll, args, onLine: line =>
            {
                if (!IsProgress(line) && !line.Contains('»', StringComparison.Ordinal))
                {
                    return;
                }
                TimeSpan delay;
                lock (gate)
                {
                    var step = Step().Match(line);
                    during = step.Success ? $"{step.Groups[1].Value} step {step.Groups[2].Value}" : line.Trim()[..Math.Min(40, line.Trim().Length)];
                    var last = step.Success && step.Groups[1].Value == "grpo" && int.Parse(step.Groups[2].Value, CultureInfo.InvariantCulture) == grpoSteps;
                    if (armed || !(last || rng.NextDouble() < (step.Success ? 0.5 : 1.0 / 6)))
                    {
                        return;
                    }
                    armed = true;
                    delay = TimeSpan.FromSeconds(stepSeconds * rng.NextDouble());
                }
                _ = Task.Delay(delay, CancellationToken.None).ContinueWith(_ =>
                {
                    lock (gate)
                    {
                        killedDuring = during;
                    }
                    run?.Kill();
                }, TaskScheduler.Default);
            });
            using (run)
            {
                var code = await run.WaitAsync(perStartTimeout, cancellationToken).ConfigureAwait(false);
                string? killedAt;
                lock (gate)
                {
                    killedAt = killedDuring;
                }
                if (killedAt is not null && code != 0)
                {
                    records.Add(new KillRecord(attempt, started.Elapsed.TotalSeconds, killedAt));
                    progress?.Invoke($"kill {records.Count}: after {started.Elapsed.TotalSeconds:F1} s, during '{killedAt}'");
                    continue;
                }
                if (code != 0)
                {
                    throw new InvalidOperationException($"start {attempt} of the interrupted run exited with {code}:\n{run.Output}");
                }
                if (records.Count < kills)
                {
                    continue; // finished before the armed kill landed: train again (a finished run resumes to a no-op)
                }
            }
            break;
        }
        var actual = TinyExperiment.Fingerprint(TinyExperiment.LatestGrpoCheckpoint(killedFile)
            ?? throw new InvalidOperationException("the interrupted run left no GRPO checkpoint"));
        return new KillResumeResult(expected, actual, records, straightSeconds, interrupted.Elapsed.TotalSeconds);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(grpo|sft)\s+step\s+(\d+)")]
    private static partial System.Text.RegularExpressions.Regex Step();

    private static bool IsProgress(string line) => line.Contains(" step ", StringComparison.Ordinal) && (line.Contains("grpo", StringComparison.Ordinal) || line.Contains("sft", StringComparison.Ordinal));
}
