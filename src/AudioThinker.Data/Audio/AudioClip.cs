namespace AudioThinker.Data.Audio;

/// <summary>Decoded audio at its own sample rate, mixed down to mono.</summary>
/// <param name="Samples">Mono samples, nominally in [−1, 1].</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Channels">Channels in the source before the mix-down.</param>
/// <param name="Format">What it was decoded from, e.g. "WAV PCM 24-bit" or "FLAC 16-bit".</param>
public sealed record AudioClip(float[] Samples, int SampleRate, int Channels, string Format)
{
    /// <summary>Length in seconds.</summary>
    public double Seconds => (double)Samples.Length / SampleRate;
}
