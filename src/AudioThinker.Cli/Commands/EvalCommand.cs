using System.ComponentModel;
using AudioThinker.Data;
using AudioThinker.Data.Evaluation;
using AudioThinker.Rewards.Parsing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioThinker.Cli.Commands;

/// <summary>
/// <c>audiothinker eval --benchmark mmau|mmar|air|native --predictions FILE [--output DIR]</c>: scores a predictions
/// file in the benchmark's own format with the official rule and prints the report's JSON; with <c>--output</c> it also
/// writes report.json, report.md and PNG charts there.
/// </summary>
public sealed class EvalCommand : Command<EvalCommand.Settings>
{
    /// <summary>Options of <c>eval</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>mmau, mmar, air or native.</summary>
        [CommandOption("--benchmark <NAME>")]
        [Description("mmau, mmar, air or native")]
        public string Benchmark { get; init; } = "";

        /// <summary>The predictions file.</summary>
        [CommandOption("--predictions <FILE>")]
        [Description("the benchmark's records plus the model's response: MMAU model_output, MMAR answer_prediction, AIR and native response")]
        public string Predictions { get; init; } = "";

        /// <summary>Folder for report.json, report.md and charts.</summary>
        [CommandOption("--output <DIR>")]
        [Description("also write report.json, report.md and PNG charts into this folder")]
        public string? Output { get; init; }

        /// <summary>An experiment YAML: run its trained model on <see cref="Data"/> first, then score.</summary>
        [CommandOption("--config <FILE>")]
        [Description("run the experiment's trained model on --data first (its newest checkpoint, or --checkpoint), writing --predictions")]
        public string? Config { get; init; }

        /// <summary>The benchmark file to run the model on.</summary>
        [CommandOption("--data <FILE>")]
        [Description("with --config: the benchmark file (mmau-test-mini.json, MMAR-meta.jsonl, Foundation_meta.json, native JSONL)")]
        public string? Data { get; init; }

        /// <summary>The model folder (default: the newest checkpoint of the experiment's run folder).</summary>
        [CommandOption("--checkpoint <DIR>")]
        [Description("with --config: a model folder (default: the newest GRPO checkpoint in output.dir, else model.path)")]
        public string? Checkpoint { get; init; }

        /// <summary>Score whole responses, not the answer tag's content.</summary>
        [CommandOption("--raw")]
        [Description("apply the official rule to the whole response (default: to the <answer> content when the response has the tag format)")]
        public bool Raw { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Benchmark))
            {
                return ValidationResult.Error("--benchmark is required (mmau, mmar, air or native)");
            }
            try
            {
                BenchmarkNames.Parse(Benchmark);
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error(e.Message);
            }
            if (Config is not null && string.IsNullOrWhiteSpace(Data))
            {
                return ValidationResult.Error("--config needs --data FILE (the benchmark to run the model on)");
            }
            return string.IsNullOrWhiteSpace(Predictions) ? ValidationResult.Error("--predictions FILE is required") : ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var benchmark = BenchmarkNames.Parse(settings.Benchmark);
        if (settings.Config is not null)
        {
            ModelRun.Predict(settings.Config, settings.Checkpoint, benchmark, settings.Data!, settings.Predictions, cancellationToken);
        }
        // The reward's own parser, so that "think / no-think" means the same in training and in reports.
        var options = new ScoringOptions { ScoreAnswerTag = !settings.Raw, Parser = TaggedResponseParser.Instance };
        EvaluationReport report;
        try
        {
            var predictions = PredictionFile.Load(benchmark, settings.Predictions);
            if (predictions.Count == 0)
            {
                throw new DataException($"{settings.Predictions}: holds no predictions");
            }
            var scored = BenchmarkScorer.Score(benchmark, predictions, options);
            report = ReportBuilder.Build(benchmark, scored, settings.Predictions, options);
        }
        catch (DataFileException e)
        {
            throw new DataException(e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw new DataException($"{settings.Predictions}: {e.Message}", e);
        }
        if (settings.Output is not null)
        {
            var files = ReportWriter.WriteAll(report, settings.Output);
            Console.Error.WriteLine($"wrote {string.Join(", ", files)}");
        }
        // Plain stdout (no markup) so the JSON can be piped.
        Console.Out.WriteLine(ReportWriter.ToJson(report));
        return CliErrors.Ok;
    }
}
