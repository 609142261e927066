using AudioThinker.Data.Audio;

namespace AudioThinker.Data.Tests.Audio;

public class Mp3DecoderTests
{
    [Fact]
    public void LameFixtureDecodesToItsTone()
    {
        // tone600.mp3: a 1 s, 600 Hz sine at amplitude 0.5, 16 kHz mono, encoded by lame -b 64 (Fixtures/README.md).
        var clip = new AudioLoader().Decode(Fixture.Path("tone600.mp3"));
        Assert.Equal(16000, clip.SampleRate);
        Assert.Equal(1, clip.Channels);
        Assert.Equal("MP3", clip.Format);
        // The encoder adds delay and padding, never less than the source.
        Assert.InRange(clip.Samples.Length, 16000, 16000 + 3 * 1152);
        var middle = clip.Samples[4000..12000];
        double Goertzel(double hz)
        {
            double re = 0, im = 0;
            for (var i = 0; i < middle.Length; i++)
            {
                re += middle[i] * Math.Cos(2 * Math.PI * hz * i / 16000);
                im += middle[i] * Math.Sin(2 * Math.PI * hz * i / 16000);
            }
            return 2 * Math.Sqrt(re * re + im * im) / middle.Length;
        }
        Assert.InRange(Goertzel(600), 0.45, 0.55);
        Assert.True(Goertzel(1200) < 0.01 && Goertzel(300) < 0.01);
    }
}
