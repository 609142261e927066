using AudioThinker.Abstractions;

namespace AudioThinker.Data.Audio;

/// <summary>Settings of <see cref="AudioLoader"/>.</summary>
public sealed record AudioLoaderOptions
{
    /// <summary>The rate every clip is converted to, in Hz. Default 16000 (Whisper's).</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>Program for formats without a managed decoder (Ogg, Opus, M4A, …); null refuses them. Default <c>ffmpeg</c>.</summary>
    public string? ExternalDecoder { get; init; } = Audio.ExternalDecoder.DefaultProgram;
}

/// <summary>
/// Turns audio files and <see cref="AudioReference"/>s into mono float samples at one rate, ready for the feature
/// extractor: WAV (NAudio), FLAC (built-in decoder), MP3 (NLayer), anything else through ffmpeg. The format is taken
/// from the file's first bytes, not its name. Every failure is an <see cref="AudioFormatException"/> naming the file:
/// missing, unreadable, broken header, unsupported codec, no samples, NaN or infinite samples.
/// </summary>
public sealed class AudioLoader(AudioLoaderOptions? options = null)
{
    /// <summary>The settings in use.</summary>
    public AudioLoaderOptions Options { get; } = options ?? new AudioLoaderOptions();

    /// <summary>Decodes a file at its own rate, mixed to mono, and checks its samples.</summary>
    public AudioClip Decode(string path)
    {
        if (!File.Exists(path))
        {
            throw new AudioFormatException(path, Directory.Exists(path) ? "is a directory, not an audio file" : "file not found");
        }
        var head = new byte[64];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot read: {e.Message}", e);
        }
        if (read == 0)
        {
            throw new AudioFormatException(path, "file is empty (0 bytes)");
        }
        var span = head.AsSpan(0, read);
        AudioClip clip;
        if (WavDecoder.Sniff(span))
        {
            clip = WavDecoder.Decode(path);
        }
        else if (FlacDecoder.Sniff(span))
        {
            clip = FlacDecoder.Decode(path);
        }
        else if (Mp3Decoder.Sniff(span))
        {
            clip = Mp3Decoder.Decode(path);
        }
        else if (Options.ExternalDecoder is { } program)
        {
            clip = ExternalDecoder.Decode(path, Options.SampleRate, program);
        }
        else
        {
            throw new AudioFormatException(path, $"unsupported audio format (not WAV, FLAC or MP3; first bytes {Convert.ToHexString(span[..Math.Min(8, read)])}) and no external decoder is configured");
        }
        Check(clip, path);
        return clip;
    }

    /// <summary>Decodes a file and converts it to <see cref="AudioLoaderOptions.SampleRate"/>.</summary>
    public float[] Load(string path)
    {
        var clip = Decode(path);
        return Resampler.Convert(clip.Samples, clip.SampleRate, Options.SampleRate);
    }

    /// <summary>
    /// The samples of a question's audio at <see cref="AudioLoaderOptions.SampleRate"/>: decoded from its file (a
    /// relative path is taken from <paramref name="baseDirectory"/>) or resampled from the samples it carries.
    /// </summary>
    public float[] Load(AudioReference audio, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (audio.Samples is { } samples)
        {
            var clip = new AudioClip(samples, audio.SampleRate, 1, "in memory");
            Check(clip, audio.ToString());
            return Resampler.Convert(samples, audio.SampleRate, Options.SampleRate);
        }
        var path = audio.Path!;
        if (baseDirectory is not null && !System.IO.Path.IsPathRooted(path))
        {
            path = System.IO.Path.Combine(baseDirectory, path);
        }
        return Load(path);
    }

    private static void Check(AudioClip clip, string path)
    {
        if (clip.Samples.Length == 0)
        {
            throw new AudioFormatException(path, $"{clip.Format} stream holds no samples (zero length)");
        }
        for (var i = 0; i < clip.Samples.Length; i++)
        {
            if (!float.IsFinite(clip.Samples[i]))
            {
                throw new AudioFormatException(path, $"sample {i} ({(double)i / clip.SampleRate:0.###} s) is {clip.Samples[i]}; the audio holds NaN or infinite values");
            }
        }
    }
}
