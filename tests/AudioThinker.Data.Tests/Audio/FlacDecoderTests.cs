using AudioThinker.Data.Audio;
using NAudio.Wave;

namespace AudioThinker.Data.Tests.Audio;

/// <summary>The FLAC decoder against the reference encoder: committed files, and a matrix encoded by `flac` at test time.</summary>
public class FlacDecoderTests
{
    [Theory]
    [InlineData("stereo16")]
    [InlineData("mono24")]
    public void CommittedFilesEqualTheirWavSources(string name)
    {
        // Made by sox + `flac -8` / `flac -5` (Fixtures/README.md): lossless, so the mono mixes agree exactly.
        var flac = new AudioLoader().Decode(Fixture.Path(name + ".flac"));
        var wav = new AudioLoader().Decode(Fixture.Path(name + ".wav"));
        Assert.Equal(wav.SampleRate, flac.SampleRate);
        Assert.Equal(wav.Channels, flac.Channels);
        Assert.Equal(wav.Samples.Length, flac.Samples.Length);
        for (var i = 0; i < wav.Samples.Length; i++)
        {
            Assert.True(Math.Abs(wav.Samples[i] - flac.Samples[i]) < 1e-7, $"{name} sample {i}: {flac.Samples[i]} vs {wav.Samples[i]}");
        }
    }

    public static TheoryData<int, int, int, string[]> Matrix() => new()
    {
        // bits, channels, rate, encoder options
        { 16, 1, 16000, ["-0"] },           // fixed predictors
        { 16, 2, 44100, ["-8"] },           // LPC, stereo decorrelation chosen per frame
        { 16, 2, 48000, ["-5", "-m"] },     // mid/side
        { 16, 2, 48000, ["-3", "-M"] },     // adaptive mid/side
        { 24, 2, 96000, ["-8", "-e"] },     // exhaustive model search
        { 8, 1, 8000, ["-5"] },
        { 12, 3, 22050, ["-6"] },
        { 20, 6, 32000, ["-4"] },
        { 24, 1, 16000, ["--lax", "-b", "16384", "-l", "32"] }, // large blocks, order-32 LPC
        { 16, 1, 11025, ["-b", "192", "-r", "8"] },                // tiny blocks, partition order 8
        { 16, 2, 44100, ["-8", "-A", "tukey(0.5);partial_tukey(2);punchout_tukey(3)", "-p"] }, // precision search
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void ReferenceEncoderMatrixDecodesBitExact(int bits, int channels, int rate, string[] options)
    {
        var dir = Fixture.TempDir("flac");
        var wav = Path.Combine(dir, "in.wav");
        var flac = Path.Combine(dir, "out.flac");
        var frames = rate / 3 + 777; // not a multiple of any block size: the last frame is short
        var rng = new Random(bits * 31 + channels);
        var format = channels > 2 || bits is 12 or 20
            ? new WaveFormatExtensible(rate, (bits + 7) / 8 * 8, channels, false, bits, 0)
            : new WaveFormat(rate, bits, channels);
        var expected = new long[channels][];
        using (var writer = new WaveFileWriter(wav, format))
        {
            var container = format.BitsPerSample / 8;
            var buffer = new byte[container];
            for (var c = 0; c < channels; c++)
            {
                expected[c] = new long[frames];
            }
            var full = (1L << (bits - 1)) - 1;
            for (var i = 0; i < frames; i++)
            {
                for (var c = 0; c < channels; c++)
                {
                    // Tones, a silent stretch (CONSTANT subframes), a step and noise bursts (escape partitions, VERBATIM).
                    var t = (double)i / rate;
                    var v = i % 5000 < 300 ? 0.0
                        : 0.45 * Math.Sin(2 * Math.PI * (220 * (c + 1)) * t) + (i / 2000 % 3 == 1 ? 0.4 * (rng.NextDouble() - 0.5) : 0.0) + (i > frames / 2 ? 0.05 : 0.0);
                    var s = (long)Math.Round(Math.Clamp(v, -1, 1) * full);
                    if (c == 1 && channels == 2 && i % 7000 < 1000)
                    {
                        s = expected[0][i]; // identical channels: side = 0
                    }
                    expected[c][i] = s;
                    // Valid bits sit at the top of the container.
                    var stored = bits == 8 ? s + 128 : s << (format.BitsPerSample - bits);
                    for (var b = 0; b < container; b++)
                    {
                        buffer[b] = (byte)(stored >> (8 * b));
                    }
                    writer.Write(buffer, 0, container);
                }
            }
        }
        ExternalTool.Run("flac", "flac", ["-s", "-f", "--channel-map=none", .. options, "-o", flac, wav]);
        var (outChannels, samples, outBits, outRate) = FlacDecoder.DecodeChannels(File.ReadAllBytes(flac), flac);
        Assert.Equal(channels, outChannels);
        Assert.Equal(bits, outBits);
        Assert.Equal(rate, outRate);
        for (var c = 0; c < channels; c++)
        {
            Assert.Equal(frames, samples[c].Length);
            for (var i = 0; i < frames; i++)
            {
                if (samples[c][i] != expected[c][i])
                {
                    Assert.Fail($"channel {c} sample {i}: decoded {samples[c][i]}, encoded {expected[c][i]} ({string.Join(' ', options)})");
                }
            }
        }
    }

    [Fact]
    public void DamagedFrameIsReportedWithItsOffset()
    {
        var bytes = File.ReadAllBytes(Fixture.Path("stereo16.flac"));
        var path = Path.Combine(Fixture.TempDir("flac"), "damaged.flac");
        bytes[bytes.Length - 500] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<AudioFormatException>(() => new AudioLoader().Load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Matches("FLAC (frame at byte \\d+|stream)", e.Problem);
    }

    [Fact]
    public void TruncatedStreamIsReported()
    {
        var bytes = File.ReadAllBytes(Fixture.Path("mono24.flac"));
        var path = Path.Combine(Fixture.TempDir("flac"), "cut.flac");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<AudioFormatException>(() => new AudioLoader().Load(path));
        Assert.Contains("truncated", e.Problem);
    }

    [Fact]
    public void MissingStreamInfoIsReported()
    {
        var path = Path.Combine(Fixture.TempDir("flac"), "bare.flac");
        File.WriteAllBytes(path, [.. "fLaC"u8, 0x84, 0, 0, 4, 0, 0, 0, 0]);
        var e = Assert.Throws<AudioFormatException>(() => new AudioLoader().Load(path));
        Assert.Contains("not STREAMINFO", e.Problem);
    }
}
