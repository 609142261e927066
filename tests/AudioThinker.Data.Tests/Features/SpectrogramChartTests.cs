using System.Buffers.Binary;
using AudioThinker.Data.Features;
using AudioThinker.Data.Synthetic;

namespace AudioThinker.Data.Tests.Features;

public class SpectrogramChartTests
{
    [Fact]
    public void WritesAPngOfTheRequestedSize()
    {
        var item = new SyntheticGenerator(new SyntheticOptions { Counts = new LevelCounts { Easy = 1, Medium = 0, Hard = 0 } }).Items().Single();
        var features = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = 128, ChunkSeconds = 3 }).Extract(item.Samples);
        var path = Path.Combine(Fixture.TempDir("spec"), "clip.png");
        SpectrogramChart.Save(features, path, item.Question.Question, width: 640, height: 300);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        // IHDR: width and height are the first two big-endian integers after the 8-byte signature and 8-byte chunk header.
        Assert.Equal(640, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(300, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.True(bytes.Length > 10_000, $"only {bytes.Length} bytes: the heat map is missing");
    }
}
