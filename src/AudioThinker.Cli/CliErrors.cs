using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioThinker.Cli;

/// <summary>Exit codes of the audiothinker command, and the one place that maps failures to them.</summary>
public static class CliErrors
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The command line or a configuration file is wrong.</summary>
    public const int BadConfiguration = 2;
    /// <summary>An input data file is wrong.</summary>
    public const int BadData = 3;
    /// <summary>Anything else went wrong while running.</summary>
    public const int RuntimeFailure = 4;
    /// <summary>Interrupted (Ctrl-C) after saving what could be saved.</summary>
    public const int Interrupted = 130;

    /// <summary>Runs the app and turns exceptions into a message and an exit code.</summary>
    public static int Run(CommandApp app, string[] args)
    {
        try
        {
            return app.Run(args);
        }
        catch (CommandAppException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return BadConfiguration;
        }
        catch (ConfigurationException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]configuration error:[/] {e.Message}");
            return BadConfiguration;
        }
        catch (DataException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]data error:[/] {e.Message}");
            return BadData;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]interrupted[/]");
            return Interrupted;
        }
        catch (Exception e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.GetType().Name}: {e.Message}");
            return RuntimeFailure;
        }
    }
}

/// <summary>A configuration file or option is wrong; the message names the key and the rule.</summary>
public sealed class ConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An input data file is wrong; the message names the file and line.</summary>
public sealed class DataException(string message, Exception? inner = null) : Exception(message, inner);
