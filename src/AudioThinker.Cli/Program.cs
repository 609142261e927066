using AudioThinker.Cli;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("audiothinker");
    config.PropagateExceptions();
    // One line per verb; each verb lives in Commands/.
    config.AddCommand<AudioThinker.Cli.Commands.InfoCommand>("info").WithDescription("Print what TorchSharp loaded (version, device, CUDA).");
});
return CliErrors.Run(app, args);
