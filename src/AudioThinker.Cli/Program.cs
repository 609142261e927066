using AudioThinker.Cli;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("audiothinker");
    config.PropagateExceptions();
    // One line per verb; each verb lives in Commands/.
    config.AddCommand<AudioThinker.Cli.Commands.InfoCommand>("info").WithDescription("Print what TorchSharp loaded (version, device, CUDA).");
    config.AddCommand<AudioThinker.Cli.Commands.ScoreCommand>("score").WithDescription("Score a rollouts JSONL as one batch: rewards, total and advantage per line.");
    config.AddCommand<AudioThinker.Cli.Commands.SynthCommand>("synth").WithDescription("Write the synthetic difficulty-graded audio QA set (WAV + questions.jsonl).");
    config.AddCommand<AudioThinker.Cli.Commands.QuickstartCommand>("quickstart").WithDescription("Reproduce the paper's findings in miniature on CPU: warm-up, five GRPO variants, report.md.");
    config.AddCommand<AudioThinker.Cli.Commands.TrainCommand>("train").WithDescription("Train one experiment from YAML: warm-up, GRPO, evaluation (Ctrl-C checkpoints).");
    config.AddCommand<AudioThinker.Cli.Commands.EvalCommand>("eval").WithDescription("Score a predictions file with the benchmark's official rule and print the report JSON.");
    config.AddCommand<AudioThinker.Cli.Commands.ReliabilityCommand>("reliability").WithDescription("Run the long fault and load checks (process kills + resume, shared run folder, 10,000 faulty judge requests) and print a table.");
});
return CliErrors.Run(app, args);
