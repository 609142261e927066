using Spectre.Console;

namespace AudioThinker.Reliability.Tests;

/// <summary>Sends Spectre's console to a string for the duration of a test (a collection: the console is global), wide
/// enough that messages are not wrapped.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture : IDisposable
{
    private readonly IAnsiConsole _previous = AnsiConsole.Console;
    private readonly StringWriter _writer = new();

    public ConsoleCapture()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(_writer) });
        console.Profile.Width = 400;
        AnsiConsole.Console = console;
    }

    public string Text => _writer.ToString();

    public void Dispose()
    {
        AnsiConsole.Console = _previous;
        _writer.Dispose();
    }
}
