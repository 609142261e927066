using AudioThinker.Cli.Reliability;

namespace AudioThinker.Reliability.Tests;

/// <summary>The judge client under load with faults injected (1,500 requests here; the reliability verb sends 10,000).</summary>
public sealed class JudgeLoadTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-rel-load-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public async Task NoVerdictIsLostOrCachedTwiceAndMemoryStaysFlat()
    {
        var r = await JudgeLoadCheck.RunAsync(1500, 300, Path.Combine(_dir.FullName, "cache")).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(r.Lost == 0, string.Join("\n", r.LostExamples));
        Assert.True(r.GarbageRequests > 0, "the server should have answered some prompts with garbage");
        Assert.Equal(r.GarbageRequests, r.UnparsedVerdicts);
        Assert.Equal(r.CacheExpected, r.CacheEntries);
        Assert.Equal(0, r.StrayFiles);
        Assert.True(r.Statistics.Retries > 0 && r.Statistics.CacheHits > 0 && r.Statistics.Deduplicated > 0, r.Statistics.ToString());
        Assert.True(r.Passed, r.ToString());
    }
}
