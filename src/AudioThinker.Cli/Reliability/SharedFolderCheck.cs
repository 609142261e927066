using System.Text.RegularExpressions;

namespace AudioThinker.Cli.Reliability;

/// <summary>What <see cref="SharedFolderCheck"/> saw.</summary>
/// <param name="SecondExitCode">The second run's exit code.</param>
/// <param name="SecondMessage">Its console output, whitespace collapsed.</param>
/// <param name="FirstProcessId">The first run's process id, which the message should name.</param>
public sealed record SharedFolderResult(int SecondExitCode, string SecondMessage, int FirstProcessId)
{
    /// <summary>True when the second run was refused with the runtime-failure exit code and a message naming the holder.</summary>
    public bool Refused => SecondExitCode == CliErrors.RuntimeFailure
        && SecondMessage.Contains($"is in use by another run (process {FirstProcessId})", StringComparison.Ordinal);
}

/// <summary>Starts a training run, then a second one on the same output folder while the first holds it, as two separate
/// processes; the second must be refused with a message that names the first.</summary>
public static partial class SharedFolderCheck
{
    /// <summary>Runs the check; both processes are gone when it returns.</summary>
    public static async Task<SharedFolderResult> RunAsync(string cliDll, string workFolder, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var file = TinyExperiment.Write(workFolder, grpoSteps: 1000);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var first = TrainingProcess.Start(cliDll, ["train", "--config", file], onLine: line =>
        {
            if (line.Contains('»', StringComparison.Ordinal))
            {
                holding.TrySetResult(); // the first stage is printed after the lock is taken
            }
        });
        var firstExit = first.WaitAsync(timeout, cancellationToken);
        if (await Task.WhenAny(holding.Task, firstExit).WaitAsync(timeout, cancellationToken).ConfigureAwait(false) != holding.Task)
        {
            throw new InvalidOperationException($"the first run ended before it started training:\n{first.Output}");
        }
        using var second = TrainingProcess.Start(cliDll, ["train", "--config", file]);
        var code = await second.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        first.Kill();
        try
        {
            await firstExit.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Killed above; the wait only drains its output.
        }
        return new SharedFolderResult(code, Spaces().Replace(second.Output, " "), first.Id);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
