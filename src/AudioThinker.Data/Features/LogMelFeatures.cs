namespace AudioThinker.Data.Features;

/// <summary>One waveform's log-mel features, laid out as Hugging Face's <c>input_features[0]</c>: [mel bins, frames].</summary>
/// <param name="MelBins">Number of mel bins.</param>
/// <param name="Frames">Frames in the window.</param>
/// <param name="Values">The features, row-major [<paramref name="MelBins"/>, <paramref name="Frames"/>].</param>
/// <param name="ValidFrames">Frames that start inside the waveform (the mask's ones, all at the front).</param>
public sealed record LogMelFeatures(int MelBins, int Frames, float[] Values, int ValidFrames)
{
    /// <summary>The frame mask as Hugging Face's <c>attention_mask</c>: 1 for the first <see cref="ValidFrames"/> frames, then 0.</summary>
    public long[] Mask()
    {
        var mask = new long[Frames];
        Array.Fill(mask, 1L, 0, ValidFrames);
        return mask;
    }

    /// <summary>The value of mel bin <paramref name="mel"/> at frame <paramref name="frame"/>.</summary>
    public float this[int mel, int frame] => Values[mel * Frames + frame];
}

/// <summary>Log-mel features of a batch, ready to become tensors: <c>input_features</c> [batch, mel bins, frames] and <c>feature_attention_mask</c> [batch, frames].</summary>
/// <param name="BatchSize">Number of waveforms.</param>
/// <param name="MelBins">Number of mel bins.</param>
/// <param name="Frames">Frames per window.</param>
/// <param name="Values">The features, row-major [<paramref name="BatchSize"/>, <paramref name="MelBins"/>, <paramref name="Frames"/>].</param>
/// <param name="Mask">The frame masks, row-major [<paramref name="BatchSize"/>, <paramref name="Frames"/>], 1 or 0.</param>
/// <param name="ValidFrames">Each waveform's number of valid frames.</param>
public sealed record LogMelBatch(int BatchSize, int MelBins, int Frames, float[] Values, long[] Mask, int[] ValidFrames)
{
    /// <summary>The shape of <see cref="Values"/>.</summary>
    public long[] FeatureShape => [BatchSize, MelBins, Frames];

    /// <summary>The shape of <see cref="Mask"/>.</summary>
    public long[] MaskShape => [BatchSize, Frames];
}
