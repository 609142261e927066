namespace AudioThinker.Data.Synthetic;

/// <summary>
/// Synthesises a scene: beeps are sine tones, noise bursts are uniform white noise, both with 10 ms raised-cosine
/// ramps (no clicks, whose broadband energy would blur the spectrogram), over a faint white noise floor. Only
/// portable arithmetic is used (<see cref="PortableMath"/>, <see cref="SeededRandom"/>), so samples are bit-identical
/// everywhere.
/// </summary>
public static class SceneRenderer
{
    private const double RampSeconds = 0.01;

    /// <summary>Renders <paramref name="scene"/> to mono samples of <see cref="SyntheticOptions.ClipSeconds"/>.</summary>
    public static float[] Render(Scene scene, SyntheticOptions options, SeededRandom rng)
    {
        var rate = options.SampleRate;
        var length = (int)Math.Round(options.ClipSeconds * rate);
        var x = new double[length];
        for (var i = 0; i < length; i++)
        {
            x[i] = options.NoiseFloor * (2 * rng.NextDouble() - 1);
        }
        foreach (var e in scene.Events)
        {
            var start = (int)Math.Round(e.StartSeconds * rate);
            var count = Math.Min((int)Math.Round(e.DurationSeconds * rate), length - start);
            var amplitude = e.Loud ? options.LoudAmplitude : options.QuietAmplitude;
            var hz = e.High ? options.HighHz : options.LowHz;
            var ramp = Math.Max(1, (int)(RampSeconds * rate));
            // A uniform variable has rms 1/√3 of its peak: scale noise to the rms of a sine of the same peak (1/√2).
            var noiseScale = Math.Sqrt(3.0 / 2.0);
            var phase = rng.Uniform(0, 2 * Math.PI);
            for (var i = 0; i < count; i++)
            {
                var envelope = i < ramp ? 0.5 - 0.5 * PortableMath.Cos(Math.PI * i / ramp)
                    : i >= count - ramp ? 0.5 - 0.5 * PortableMath.Cos(Math.PI * (count - 1 - i) / ramp)
                    : 1.0;
                var value = e.Kind == SoundKind.Beep
                    ? PortableMath.Sin(2 * Math.PI * hz * i / rate + phase)
                    : noiseScale * (2 * rng.NextDouble() - 1);
                x[start + i] += amplitude * envelope * value;
            }
        }
        var samples = new float[length];
        for (var i = 0; i < length; i++)
        {
            samples[i] = (float)Math.Clamp(x[i], -1.0, 1.0);
        }
        return samples;
    }
}
