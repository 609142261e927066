using AudioThinker.Rewards.Judges;

namespace AudioThinker.Rewards.Tests;

public sealed class JudgeCacheTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-cache-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void KeysDependOnEveryPartAndDoNotCollideByConcatenation()
    {
        Assert.Equal(JudgeCache.Key("m", "p"), JudgeCache.Key("m", "p"));
        Assert.NotEqual(JudgeCache.Key("m", "p"), JudgeCache.Key("m2", "p"));
        Assert.NotEqual(JudgeCache.Key("ab", "c"), JudgeCache.Key("a", "bc"));
        Assert.Equal(64, JudgeCache.Key("x").Length);
    }

    [Fact]
    public void ARoundTripChecksTheModel()
    {
        var cache = new JudgeCache(_dir.FullName);
        var key = JudgeCache.Key("m", "prompt");
        Assert.False(cache.TryGet(key, "m", out _));
        cache.Put(key, "m", "0.7");
        Assert.True(cache.TryGet(key, "m", out var output));
        Assert.Equal("0.7", output);
        Assert.False(cache.TryGet(key, "other-model", out _));
    }

    [Fact]
    public async Task ConcurrentWritersLeaveOneWholeEntryPerKey()
    {
        var keys = Enumerable.Range(0, 8).Select(i => JudgeCache.Key("m", $"p{i}")).ToArray();
        // 8 keys × 16 writers, each with its own cache object as separate processes would have.
        var writers = Enumerable.Range(0, 128).Select(i => Task.Run(() => new JudgeCache(_dir.FullName).Put(keys[i % 8], "m", $"out-{i % 8}")));
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));

        var cache = new JudgeCache(_dir.FullName);
        Assert.Equal(8, cache.Count);
        Assert.Empty(Directory.EnumerateFiles(_dir.FullName, "*.tmp", SearchOption.AllDirectories));
        for (int i = 0; i < 8; i++)
        {
            Assert.True(cache.TryGet(keys[i], "m", out var output));
            Assert.Equal($"out-{i}", output);
        }
    }

    [Fact]
    public void ACorruptEntryIsAMissNotACrash()
    {
        var cache = new JudgeCache(_dir.FullName);
        var key = JudgeCache.Key("m", "p");
        var path = Path.Combine(_dir.FullName, key[..2], key + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{\"model\":\"m\",\"outp");
        Assert.False(cache.TryGet(key, "m", out _));
        Assert.Throws<ArgumentException>(() => cache.TryGet("../../etc/passwd", "m", out _));
    }
}
