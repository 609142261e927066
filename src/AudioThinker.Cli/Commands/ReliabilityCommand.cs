using System.ComponentModel;
using System.Globalization;
using AudioThinker.Cli.Reliability;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioThinker.Cli.Commands;

/// <summary><c>audiothinker reliability</c>: the long fault and load checks (process kills with resume, two runs on one
/// folder, 10,000 judge requests against a faulty server), printed as a table. The fast ones run in <c>dotnet test</c>.</summary>
public sealed class ReliabilityCommand : AsyncCommand<ReliabilityCommand.Settings>
{
    /// <summary>Options of <c>reliability</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Kills of the interrupted training run.</summary>
        [CommandOption("--kills <N>")]
        [Description("SIGKILLs of the interrupted run, each followed by --resume (default 5)")]
        public int Kills { get; init; } = 5;

        /// <summary>GRPO steps of each training run.</summary>
        [CommandOption("--steps <N>")]
        [Description("GRPO steps of the tiny runs (default 8)")]
        public int Steps { get; init; } = 8;

        /// <summary>Judge requests of the load check.</summary>
        [CommandOption("--requests <N>")]
        [Description("judge requests of the load check (default 10000)")]
        public int Requests { get; init; } = 10_000;

        /// <summary>Seed of the kill times.</summary>
        [CommandOption("--seed <N>")]
        [Description("seed of the kill times (default 1)")]
        public int Seed { get; init; } = 1;

        /// <summary>Scratch folder.</summary>
        [CommandOption("--work <DIR>")]
        [Description("scratch folder (default: a new temporary folder, removed afterwards)")]
        public string? Work { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Kills < 0 ? ValidationResult.Error("--kills must be 0 or more")
            : Steps < 1 ? ValidationResult.Error("--steps must be at least 1")
            : Requests < 1 ? ValidationResult.Error("--requests must be at least 1")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var work = settings.Work is null ? Directory.CreateTempSubdirectory("audiothinker-reliability-").FullName : Path.GetFullPath(settings.Work);
        Directory.CreateDirectory(work);
        var cli = typeof(ReliabilityCommand).Assembly.Location;
        var table = new Table().AddColumns("check", "result", "figures");
        var passed = true;
        void Row(string check, bool ok, string figures)
        {
            passed &= ok;
            table.AddRow(Markup.Escape(check), ok ? "[green]pass[/]" : "[red]FAIL[/]", Markup.Escape(figures));
        }
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        try
        {
            AnsiConsole.MarkupLine("[blue]» judge load[/]");
            var load = await JudgeLoadCheck.RunAsync(settings.Requests, 500, Path.Combine(work, "judge-cache"), cancellationToken).ConfigureAwait(false);
            var st = load.Statistics;
            Row($"judge load: {load.Requests} requests, faults injected", load.Passed,
                F($"{load.Requests / load.Seconds:F0} req/s ({load.Seconds:F1} s); lost {load.Lost}; unparsed {load.UnparsedVerdicts}/{load.GarbageRequests} garbage; cache {load.CacheEntries}/{load.CacheExpected} entries, {load.StrayFiles} stray; HTTP {load.ServerRequests} ({st.Retries} retries, {st.CacheHits} cache hits, {st.Deduplicated} shared); heap {load.ManagedMbAfterFirstBatch:F1} → {load.ManagedMbMaxLater:F1} MB; peak RSS {load.PeakWorkingSetMb:F0} MB"));

            AnsiConsole.MarkupLine("[blue]» two runs on one output folder[/]");
            var shared = await SharedFolderCheck.RunAsync(cli, Path.Combine(work, "shared"), TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
            Row("second run on a held folder is refused", shared.Refused, F($"exit {shared.SecondExitCode}: {Excerpt(shared.SecondMessage, "in use")}"));

            AnsiConsole.MarkupLine($"[blue]» {settings.Kills} kills at random points, resumed[/]");
            var kill = await KillResumeCheck.RunAsync(cli, Path.Combine(work, "kill"), settings.Kills, settings.Steps, settings.Seed, TimeSpan.FromMinutes(10),
                m => AnsiConsole.MarkupLineInterpolated($"  {m}"), cancellationToken).ConfigureAwait(false);
            Row($"SIGKILL x{kill.Kills.Count} + --resume = uninterrupted run", kill.Identical,
                F($"{settings.Steps} steps; straight {kill.StraightSeconds:F1} s, interrupted {kill.InterruptedSeconds:F1} s; killed during: {string.Join(" | ", kill.Kills.Select(k => k.During))}; sha256 {kill.Actual[..12]} vs {kill.Expected[..12]}"));
        }
        finally
        {
            AnsiConsole.Write(table);
            if (settings.Work is null)
            {
                try
                {
                    Directory.Delete(work, recursive: true);
                }
                catch (IOException)
                {
                    // A child process may still be closing a file; the temporary folder is left behind.
                }
            }
        }
        return passed ? CliErrors.Ok : CliErrors.RuntimeFailure;
    }

    private static string Excerpt(string text, string around)
    {
        var at = text.IndexOf(around, StringComparison.Ordinal);
        return at < 0 ? text[..Math.Min(120, text.Length)] : text[Math.Max(0, at - 40)..Math.Min(text.Length, at + 80)];
    }
}
