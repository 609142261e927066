using AudioThinker.Abstractions;
using AudioThinker.Data.Audio;
using NAudio.Wave;

namespace AudioThinker.Data.Tests.Audio;

/// <summary>Every kind of bad audio fails with an <see cref="AudioFormatException"/> that names the file and the fault.</summary>
public class AudioErrorTests
{
    private static AudioFormatException Fails(string path, AudioLoaderOptions? options = null)
    {
        var e = Assert.Throws<AudioFormatException>(() => new AudioLoader(options).Load(path));
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    [Fact]
    public void MissingFile()
    {
        var path = Path.Combine(Fixture.TempDir("err"), "nope.wav");
        Assert.Contains("file not found", Fails(path).Problem);
    }

    [Fact]
    public void EmptyFile()
    {
        var path = Path.Combine(Fixture.TempDir("err"), "empty.wav");
        File.WriteAllBytes(path, []);
        Assert.Contains("0 bytes", Fails(path).Problem);
    }

    [Fact]
    public void BrokenWavHeader()
    {
        var path = Path.Combine(Fixture.TempDir("err"), "broken.wav");
        File.WriteAllBytes(path, [.. "RIFF"u8, 0x10, 0, 0, 0, .. "WAVEfmt "u8, 0xFF, 0xFF]);
        Assert.Contains("broken WAV header", Fails(path).Problem);
    }

    [Fact]
    public void WavWithNoSamples()
    {
        var path = Path.Combine(Fixture.TempDir("err"), "silent.wav");
        using (new WaveFileWriter(path, new WaveFormat(16000, 16, 1)))
        {
        }
        Assert.Contains("zero length", Fails(path).Problem);
    }

    [Fact]
    public void NaNAndInfinitySamples()
    {
        var dir = Fixture.TempDir("err");
        foreach (var (name, bad) in new[] { ("nan", float.NaN), ("inf", float.PositiveInfinity) })
        {
            var path = Path.Combine(dir, name + ".wav");
            using (var writer = new WaveFileWriter(path, WaveFormat.CreateIeeeFloatWaveFormat(16000, 1)))
            {
                writer.WriteSamples([0.1f, 0.2f, bad, 0.3f], 0, 4);
            }
            var e = Fails(path);
            Assert.Contains("sample 2", e.Problem);
            Assert.Contains("NaN or infinite", e.Problem);
        }
        var memory = Assert.Throws<AudioFormatException>(() => new AudioLoader().Load(new AudioReference([0f, float.NaN], 16000)));
        Assert.Contains("sample 1", memory.Message);
    }

    [Fact]
    public void UnsupportedWavCodec()
    {
        var path = Path.Combine(Fixture.TempDir("err"), "alaw.wav");
        using (var writer = new WaveFileWriter(path, WaveFormat.CreateALawFormat(8000, 1)))
        {
            writer.Write(new byte[100], 0, 100);
        }
        var e = Fails(path);
        Assert.Contains("unsupported WAV codec", e.Problem);
        Assert.Contains("ALaw", e.Problem);
    }

    [Fact]
    public void UnknownFormatNeedsTheExternalDecoder()
    {
        var path = Path.Combine(Fixture.TempDir("err"), "clip.ogg");
        File.WriteAllBytes(path, [.. "OggS"u8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
        var missing = Fails(path, new AudioLoaderOptions { ExternalDecoder = "audiothinker-no-such-decoder" });
        Assert.Contains("'audiothinker-no-such-decoder', which is not installed", missing.Problem);
        Assert.Contains("apt-get install ffmpeg", missing.Problem);
        var refused = Fails(path, new AudioLoaderOptions { ExternalDecoder = null });
        Assert.Contains("unsupported audio format", refused.Problem);
        Assert.Contains("4F676753", refused.Problem); // "OggS"
    }

    [Fact]
    public void ExternalDecoderFailureIsReported()
    {
        // `false` exits 1 without output: the message carries the program and the exit code.
        var path = Path.Combine(Fixture.TempDir("err"), "clip.m4a");
        File.WriteAllBytes(path, [0, 0, 0, 0x20, .. "ftypM4A "u8]);
        var e = Fails(path, new AudioLoaderOptions { ExternalDecoder = "false" });
        Assert.Contains("'false' could not decode it (exit code 1)", e.Problem);
    }

    [Fact]
    public void BrokenMp3()
    {
        var path = Path.Combine(Fixture.TempDir("err"), "broken.mp3");
        File.WriteAllBytes(path, [.. "ID3"u8, 3, 0, 0, 0, 0, 0, 0, .. Enumerable.Repeat((byte)0x55, 64)]);
        Assert.Throws<AudioFormatException>(() => new AudioLoader().Load(path));
    }

    [Fact]
    public void RelativePathsResolveAgainstTheBaseDirectory()
    {
        var dir = Fixture.TempDir("rel");
        var e = Assert.Throws<AudioFormatException>(() => new AudioLoader().Load(new AudioReference("sub/x.wav"), dir));
        Assert.Equal(Path.Combine(dir, "sub/x.wav"), e.Path);
    }
}
