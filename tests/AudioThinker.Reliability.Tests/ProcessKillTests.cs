using AudioThinker.Cli.Reliability;

namespace AudioThinker.Reliability.Tests;

/// <summary>Training as a child process, killed with SIGKILL and resumed; and two processes on one run folder. Kept to one
/// kill here (each start costs seconds); <c>audiothinker reliability</c> runs more.</summary>
public sealed class ProcessKillTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-rel-kill-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public async Task AKilledAndResumedRunEndsBitIdenticalToAnUninterruptedOne()
    {
        var result = await KillResumeCheck.RunAsync(Cli.Dll, _dir.FullName, kills: 1, grpoSteps: 3, seed: 4, Cli.Timeout);
        Assert.Single(result.Kills);
        Assert.Equal(64, result.Expected.Length);
        Assert.True(result.Identical, $"fingerprints differ: {result.Expected} vs {result.Actual}; kills: {string.Join(", ", result.Kills)}");
        // The resumed run's metrics cover every step once when read back, torn or repeated lines notwithstanding.
        var metrics = Grpo.Metrics.MetricsLog.Read(Path.Combine(_dir.FullName, "killed", TinyExperiment.RunFolder, "grpo", "metrics.jsonl"));
        Assert.Equal([1, 2, 3], metrics.Select(m => m.Step));
    }

    [Fact]
    public async Task ASecondProcessOnAHeldRunFolderIsRefusedNamingTheFirst()
    {
        var result = await SharedFolderCheck.RunAsync(Cli.Dll, _dir.FullName, Cli.Timeout);
        Assert.True(result.Refused, $"exit {result.SecondExitCode}: {result.SecondMessage}");
    }
}
