namespace AudioThinker.Data.Features;

/// <summary>
/// Settings of <see cref="WhisperFeatureExtractor"/>; the defaults are Hugging Face <c>WhisperFeatureExtractor</c>'s
/// (16 kHz, 400-point FFT, hop 160, 30 s window) with 80 mel bins. Qwen2-Audio uses 128 bins.
/// </summary>
public sealed record WhisperFeatureOptions
{
    /// <summary>Number of mel bins (<c>feature_size</c>): 80 for Whisper v1–v2, 128 for Whisper v3 and Qwen2-Audio.</summary>
    public int MelBins { get; init; } = 80;

    /// <summary>Sample rate the waveform must have, in Hz.</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>FFT size and window length (<c>n_fft</c>).</summary>
    public int FftSize { get; init; } = 400;

    /// <summary>Samples between frames (<c>hop_length</c>).</summary>
    public int HopLength { get; init; } = 160;

    /// <summary>
    /// Window length in seconds (<c>chunk_length</c>): every waveform is cut or zero-padded to this before the STFT.
    /// Hugging Face takes whole seconds; fractions are allowed here (the window is rounded to whole samples).
    /// </summary>
    public double ChunkSeconds { get; init; } = 30.0;

    /// <summary>The window in samples (<c>n_samples</c>).</summary>
    public int ChunkSamples => (int)Math.Round(ChunkSeconds * SampleRate);

    /// <summary>Frames per window (<c>nb_max_frames</c> = n_samples / hop).</summary>
    public int Frames => ChunkSamples / HopLength;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (MelBins <= 0)
        {
            throw new ArgumentException($"{nameof(MelBins)} must be positive, got {MelBins}");
        }
        if (SampleRate <= 0)
        {
            throw new ArgumentException($"{nameof(SampleRate)} must be positive, got {SampleRate}");
        }
        if (FftSize < 2)
        {
            throw new ArgumentException($"{nameof(FftSize)} must be at least 2, got {FftSize}");
        }
        if (HopLength <= 0)
        {
            throw new ArgumentException($"{nameof(HopLength)} must be positive, got {HopLength}");
        }
        if (!double.IsFinite(ChunkSeconds) || ChunkSamples <= FftSize / 2 || ChunkSamples < HopLength)
        {
            // The centred STFT reflects FftSize/2 samples at each end, so the window must be longer than that.
            throw new ArgumentException(
                $"{nameof(ChunkSeconds)} = {ChunkSeconds} gives {ChunkSamples} samples; need more than {FftSize / 2} (half the FFT) and at least {HopLength} (one hop)");
        }
    }
}
