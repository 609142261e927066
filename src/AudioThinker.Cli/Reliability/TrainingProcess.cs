using System.Collections.Concurrent;
using System.Diagnostics;

namespace AudioThinker.Cli.Reliability;

/// <summary>
/// The <c>audiothinker</c> command run as a child process (<c>dotnet audiothinker.dll …</c>) with its console captured,
/// so that it can be killed like a crashed machine would kill it (SIGKILL, no clean-up).
/// </summary>
public sealed class TrainingProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TrainingProcess(Process process) => _process = process;

    /// <summary>Raised with every console line (stdout and stderr), from a reader thread.</summary>
    public event Action<string>? Line;

    /// <summary>Starts the command.</summary>
    /// <param name="cliDll">The path of <c>audiothinker.dll</c>.</param>
    /// <param name="arguments">Its arguments, e.g. <c>train --config x.yaml</c>.</param>
    /// <param name="environment">Variables to set for the child.</param>
    /// <param name="workingDirectory">The child's working folder.</param>
    /// <param name="onLine">Subscribed to <see cref="Line"/> before the process starts, so no line is missed.</param>
    public static TrainingProcess Start(string cliDll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, Action<string>? onLine = null)
    {
        if (!File.Exists(cliDll))
        {
            throw new FileNotFoundException($"the audiothinker CLI '{cliDll}' does not exist; build src/AudioThinker.Cli first", cliDll);
        }
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        info.ArgumentList.Add(cliDll);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        // Plain output: no colour codes or terminal width games in what is parsed and scanned.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var self = new TrainingProcess(process);
        if (onLine is not null)
        {
            self.Line += onLine;
        }
        // Done when the process has exited and both streams have reached their end.
        var open = 3;
        void Done()
        {
            if (Interlocked.Decrement(ref open) == 0)
            {
                self._exited.TrySetResult();
            }
        }
        process.Exited += (_, _) => Done();
        process.OutputDataReceived += (_, e) => self.OnData(e.Data, Done);
        process.ErrorDataReceived += (_, e) => self.OnData(e.Data, Done);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return self;
    }

    private void OnData(string? line, Action done)
    {
        if (line is null)
        {
            done();
            return;
        }
        _lines.Enqueue(line);
        Line?.Invoke(line);
    }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Every console line so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The whole console output so far.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>The exit code (after <see cref="WaitAsync"/>).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Waits until the process has exited and its output is read; kills it and throws after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new TimeoutException($"audiothinker (process {Id}) did not finish within {timeout}; last output:\n{string.Join('\n', Lines.TakeLast(20))}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, as a crash or an out-of-memory kill would: no handler runs, nothing is flushed.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
