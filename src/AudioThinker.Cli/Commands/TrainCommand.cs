using System.ComponentModel;
using AudioThinker.Grpo.Composition;
using AudioThinker.Grpo.Configuration;
using AudioThinker.Grpo.Metrics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioThinker.Cli.Commands;

/// <summary><c>audiothinker train --config experiment.yaml [--resume]</c>: warm-up, GRPO and evaluation of one experiment.</summary>
public sealed class TrainCommand : AsyncCommand<TrainCommand.Settings>
{
    /// <summary>Options of <c>train</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The experiment YAML.</summary>
        [CommandOption("-c|--config <FILE>")]
        [Description("experiment YAML file")]
        public string Config { get; init; } = "";

        /// <summary>Continue from the newest checkpoint in the output folder.</summary>
        [CommandOption("--resume")]
        [Description("continue from the newest checkpoint in output.dir")]
        public bool Resume { get; init; }

        /// <summary>key=value overrides (e.g. grpo:steps=20).</summary>
        [CommandOption("-s|--set <KEY=VALUE>")]
        [Description("override a configuration key, e.g. --set grpo:steps=20 (repeatable)")]
        public string[] Set { get; init; } = [];

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Config) ? ValidationResult.Error("--config is required") : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Experiment experiment;
        try
        {
            experiment = Experiment.Load(settings.Config, Overrides(settings.Set));
        }
        catch (ExperimentConfigurationException e)
        {
            throw new ConfigurationException(e.Message, e);
        }
        var runner = new ExperimentRunner(experiment);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // finish the step, checkpoint, then exit
            AnsiConsole.MarkupLine("[yellow]interrupt: checkpointing after the current step…[/]");
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            runner.Stage += s => AnsiConsole.MarkupLineInterpolated($"[blue]» {s}[/]");
            runner.StepCompleted += ProgressLine;
            ExperimentResult result;
            try
            {
                result = await runner.RunAsync(settings.Resume, cts.Token).ConfigureAwait(false);
            }
            catch (AudioThinker.Data.DataFileException e)
            {
                throw new DataException(e.Message, e); // a bad dataset or audio file: the data-error exit code
            }
            if (result.Evaluation is { } ev)
            {
                var table = new Table().AddColumns("level", "accuracy", "think rate", "consistency");
                foreach (var level in ev.Levels)
                {
                    table.AddRow(level.ToString(), $"{ev.Accuracy(level):P1}", $"{ev.ThinkRate(level):P1}", $"{ev.ConsistencyRate(level):P1}");
                }
                table.AddRow("all", $"{ev.Accuracy():P1}", $"{ev.ThinkRate():P1}", $"{ev.ConsistencyRate():P1}");
                AnsiConsole.Write(table);
            }
            AnsiConsole.MarkupLineInterpolated($"run folder: {result.RunFolder}");
            return CliErrors.Ok;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Parses <c>key=value</c> pairs.</summary>
    public static Dictionary<string, string?> Overrides(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ConfigurationException($"--set '{pair}': expected KEY=VALUE (e.g. grpo:steps=20)");
            }
            result[pair[..eq].Replace('.', ':')] = pair[(eq + 1)..];
        }
        return result;
    }

    /// <summary>One console line per step (every step for the first ten, then every fifth).</summary>
    public static void ProgressLine(StepMetrics m)
    {
        if (m.Step > 10 && m.Step % 5 != 0)
        {
            return;
        }
        string V(string k, string f = "F3") => m.Values.TryGetValue(k, out var v) ? v.ToString(f, System.Globalization.CultureInfo.InvariantCulture) : "-";
        if (m.Phase == "sft-text")
        {
            AnsiConsole.MarkupLineInterpolated($"  text step {m.Step,4}  loss {V("sft/text_loss")}  lr {V("lr", "G3")}  {V("step_time_s", "F2")} s");
        }
        else if (m.Phase == "sft")
        {
            AnsiConsole.MarkupLineInterpolated($"  sft  step {m.Step,4}  loss {V("sft/loss")}  lr {V("lr", "G3")}  {V("step_time_s", "F2")} s");
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated(
                $"  grpo step {m.Step,4}  reward {V("reward/total/mean")}  acc {V("accuracy", "F2")}  think {V("think_rate", "F2")} (easy {V("think_rate/easy", "F2")}, hard {V("think_rate/hard", "F2")})  kl {V("kl", "F4")}  {V("step_time_s", "F2")} s");
        }
    }
}
