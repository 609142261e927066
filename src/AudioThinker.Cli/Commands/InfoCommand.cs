using System.ComponentModel;
using AudioThinker.Policies.Runtime;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioThinker.Cli.Commands;

/// <summary><c>audiothinker info</c>: initialises TorchSharp and prints what it loaded.</summary>
public sealed class InfoCommand : Command<InfoCommand.Settings>
{
    /// <summary>Options of <c>info</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>cpu, cuda or auto.</summary>
        [CommandOption("--device <DEVICE>")]
        [Description("cpu, cuda or auto (default cpu)")]
        [DefaultValue("cpu")]
        public string Device { get; init; } = "cpu";
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var info = TorchRuntime.Initialize(new DeviceOptions { Device = settings.Device });
        var table = new Table().AddColumn("what").AddColumn("value");
        table.AddRow("TorchSharp", info.TorchSharpVersion);
        table.AddRow("libtorch from", Markup.Escape(info.LibTorchSource));
        table.AddRow("device", $"{info.DeviceType} ({Markup.Escape(info.DeviceName)})");
        table.AddRow("CUDA", info.CudaAvailable ? $"available, {info.CudaDeviceCount} device(s)" : "not available");
        table.AddRow("libstdc++ compat shim", info.CompatShim ? "yes" : "no");
        AnsiConsole.Write(table);
        return CliErrors.Ok;
    }
}
