using AudioThinker.Grpo.Checkpoints;
using AudioThinker.Grpo.Metrics;

namespace AudioThinker.Reliability.Tests;

/// <summary>What a process killed mid-write leaves behind (a half-written checkpoint folder, a torn metrics line), laid out
/// by hand so that every case is hit, not just the ones a random kill happens to land on.</summary>
public sealed class CrashDebrisTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-rel-debris-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void AHalfWrittenCheckpointIsInvisibleAndTheNextSaveSucceeds()
    {
        var store = new CheckpointStore(_dir.FullName, keep: 2);
        var three = store.Save("grpo", 3, d => File.WriteAllText(Path.Combine(d, "weights"), "three"));
        // A writer killed mid-save of step 4: its temporary folder, partly filled, with no completion marker.
        var half = Path.Combine(store.Folder, ".step-grpo-000004.tmp-999999");
        Directory.CreateDirectory(Path.Combine(half, "model"));
        File.WriteAllText(Path.Combine(half, "model", "model.safetensors"), "trunc");
        Assert.Equal(three, store.Latest());
        Assert.Equal([three], store.All());
        var four = store.Save("grpo", 4, d => File.WriteAllText(Path.Combine(d, "weights"), "four"));
        Assert.Equal(four, store.Latest());
        Assert.Equal("four", File.ReadAllText(Path.Combine(four, "weights")));
    }

    [Fact]
    public void ATornMetricsLineIsSkippedAndTheResumedRunsLinesStayWhole()
    {
        var path = Path.Combine(_dir.FullName, "metrics.jsonl");
        using (var log = new MetricsLog(path))
        {
            log.Write(new StepMetrics("grpo", 1, new Dictionary<string, double> { ["loss"] = 1 }));
            log.Write(new StepMetrics("grpo", 2, new Dictionary<string, double> { ["loss"] = 2 }));
        }
        File.AppendAllText(path, "{\"phase\":\"grpo\",\"step\":3,\"lo"); // killed mid-line
        using (var resumed = new MetricsLog(path))
        {
            resumed.Write(new StepMetrics("grpo", 3, new Dictionary<string, double> { ["loss"] = 3 }));
        }
        var read = MetricsLog.Read(path);
        Assert.Equal([1, 2, 3], read.Select(m => m.Step));
        Assert.Equal(3, read[2].Values["loss"]);
    }
}
