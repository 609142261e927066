using AudioThinker.Data.Synthetic;

namespace AudioThinker.Data.Tests.Synthetic;

public class SyntheticOptionsTests
{
    private static string Write(string text)
    {
        var path = Path.Combine(Fixture.TempDir("opts"), "synth.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void YamlAndJsonFilesSetTheirKeys()
    {
        var yaml = SyntheticOptions.Load(Write("seed: 42\nclip_seconds: 2.5\ncounts:\n  easy: 10\n  hard: 3\nmax_beeps: 4\ntemplates: [first_pitch, more_pitch]\n"));
        Assert.Equal((42L, 2.5, 10, 100, 3, 4), (yaml.Seed, yaml.ClipSeconds, yaml.Counts.Easy, yaml.Counts.Medium, yaml.Counts.Hard, yaml.MaxBeeps));
        Assert.Equal(["first_pitch", "more_pitch"], yaml.Templates);
        var json = SyntheticOptions.Load(Write("{\"seed\": 5, \"counts\": {\"medium\": 7}, \"noise_burst_probability\": 0}"));
        Assert.Equal((5L, 7, 0.0), (json.Seed, json.Counts.Medium, json.NoiseBurstProbability));
    }

    [Fact]
    public void BadFilesNameTheLineAndKey()
    {
        var path = Write("seed: 1\ncounts:\n  easy: 10\n  hardd: 3\n");
        var e = Assert.Throws<DataFileException>(() => SyntheticOptions.Load(path));
        Assert.StartsWith($"{path}:4", e.Message);
        Assert.Contains("hardd", e.Message);
        var typed = Write("clip_seconds: long\n");
        Assert.StartsWith($"{typed}:1", Assert.Throws<DataFileException>(() => SyntheticOptions.Load(typed)).Message);
        Assert.Contains("file not found", Assert.Throws<DataFileException>(() => SyntheticOptions.Load(path + ".none")).Message);
    }

    [Theory]
    [InlineData("clip_seconds", "cannot hold 6 events")]
    [InlineData("templates", "unknown template 'nope'")]
    [InlineData("quiet_amplitude", "below loud_amplitude")]
    [InlineData("counts", "must not be negative")]
    [InlineData("high_hz", "Nyquist")]
    public void ValidationNamesTheKey(string key, string message)
    {
        var options = new SyntheticOptions();
        switch (key)
        {
            case "clip_seconds": options.ClipSeconds = 1.5; break;
            case "templates": options.Templates = ["nope"]; break;
            case "quiet_amplitude": options.QuietAmplitude = 0.9; break;
            case "counts": options.Counts.Easy = -1; break;
            default: options.HighHz = 7900; break;
        }
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.StartsWith(key + ":", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void PortableSineMatchesTheRuntimeSine()
    {
        for (var x = -1000.0; x < 1000; x += 0.37)
        {
            Assert.True(Math.Abs(PortableMath.Sin(x) - Math.Sin(x)) < 1e-12, $"sin({x})");
            Assert.True(Math.Abs(PortableMath.Cos(x) - Math.Cos(x)) < 1e-12, $"cos({x})");
        }
    }

    [Fact]
    public void SeededRandomIsStableAndUniform()
    {
        // The first outputs of SplitMix64 for seed 0 are fixed by the algorithm.
        var rng = new SeededRandom(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
        var counts = new int[6];
        var r = SeededRandom.For(1, 2, 3);
        for (var i = 0; i < 60000; i++)
        {
            counts[r.Next(6)]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 9500, 10500));
    }
}
