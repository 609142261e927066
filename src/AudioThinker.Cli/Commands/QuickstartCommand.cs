using System.ComponentModel;
using AudioThinker.Grpo.Composition;
using AudioThinker.Grpo.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioThinker.Cli.Commands;

/// <summary><c>audiothinker quickstart [--profile fast|default|gpu]</c>: the paper's findings in miniature.</summary>
public sealed class QuickstartCommand : AsyncCommand<QuickstartCommand.Settings>
{
    /// <summary>Options of <c>quickstart</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The profile.</summary>
        [CommandOption("-p|--profile <NAME>")]
        [Description("default (about 20 min on 2 CPU cores), fast (one seed, about 5 min) or gpu")]
        [DefaultValue("default")]
        public string Profile { get; init; } = "default";

        /// <summary>A quickstart YAML; default: the embedded experiments/quickstart.yaml.</summary>
        [CommandOption("-c|--config <FILE>")]
        [Description("quickstart YAML (default: the embedded experiments/quickstart.yaml)")]
        public string? Config { get; init; }

        /// <summary>Output folder override.</summary>
        [CommandOption("-o|--output <DIR>")]
        [Description("output folder (default: runs/quickstart)")]
        public string? Output { get; init; }

        /// <summary>key=value overrides.</summary>
        [CommandOption("-s|--set <KEY=VALUE>")]
        [Description("override an experiment key, e.g. --set grpo:steps=10 (repeatable)")]
        public string[] Set { get; init; } = [];

        /// <summary>Start the variants from the warm-up already in the output folder.</summary>
        [CommandOption("--reuse-warmup")]
        [Description("start the variants from the warm-up model already in the output folder (iterate on GRPO settings without repeating it)")]
        public bool ReuseWarmup { get; init; }

        /// <summary>Go on with the run that died or was stopped in the output folder.</summary>
        [CommandOption("--resume")]
        [Description("go on with the run that died or was stopped in the output folder (same profile, --config and --set): keeps its warm-up and finished variant runs, continues the others from their last checkpoint")]
        public bool Resume { get; init; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var path = settings.Config ?? ExtractEmbedded();
        var overrides = TrainCommand.Overrides(settings.Set);
        if (settings.Output is not null)
        {
            overrides["output:dir"] = Path.GetFullPath(settings.Output);
        }
        QuickstartRunner runner;
        try
        {
            runner = new QuickstartRunner(path, settings.Profile, overrides);
        }
        catch (ExperimentConfigurationException e)
        {
            throw new ConfigurationException(e.Message, e);
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var started = DateTime.UtcNow;
            runner.Stage += s => AnsiConsole.MarkupLineInterpolated($"[blue][[{(DateTime.UtcNow - started):mm\\:ss}]] » {s}[/]");
            runner.StepCompleted += (variant, m) =>
            {
                if (m.Step == 1 || m.Step % 10 == 0)
                {
                    AnsiConsole.Markup($"[grey]{Markup.Escape(variant),-16}[/]");
                    TrainCommand.ProgressLine(m);
                }
            };
            QuickstartResult result;
            try
            {
                result = await runner.RunAsync(cts.Token, settings.ReuseWarmup, settings.Resume).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not (InvalidDataException or DirectoryNotFoundException))
            {
                // Whatever stopped it, what was finished is on disk: say how to go on from there.
                AnsiConsole.MarkupLine("[yellow]the quickstart stopped; the same command with --resume goes on from where it was[/]");
                throw;
            }
            AnsiConsole.WriteLine();
            AnsiConsole.Write(new Rule("findings"));
            foreach (var f in QuickstartReport.Findings(result))
            {
                AnsiConsole.MarkupLine((f.Holds ? "[green]holds[/]" : "[red]does not hold[/]") + "  " + Markup.Escape($"{f.Claim}  ({f.Evidence})"));
            }
            AnsiConsole.MarkupLineInterpolated($"report: {Path.Combine(result.Folder, "report.md")}  (wall time {result.Wall.TotalMinutes:F1} min)");
            return CliErrors.Ok;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static string ExtractEmbedded()
    {
        using var stream = typeof(QuickstartCommand).Assembly.GetManifestResourceStream("quickstart.yaml")
                           ?? throw new InvalidOperationException("the embedded quickstart.yaml is missing from this build");
        var path = Path.Combine(Path.GetTempPath(), $"audiothinker-quickstart-{Environment.ProcessId}.yaml");
        using (var file = File.Create(path))
        {
            stream.CopyTo(file);
        }
        return path;
    }
}
