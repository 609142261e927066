using System.ComponentModel;
using System.Diagnostics;

namespace AudioThinker.Data.Audio;

/// <summary>
/// Decodes formats no managed decoder here reads (Ogg Vorbis, Opus, AAC/M4A, WMA, …) by running <c>ffmpeg</c>, which
/// writes mono 32-bit float samples at the requested rate to its standard output. When the program is not installed the
/// error says so and names the Debian package.
/// </summary>
public static class ExternalDecoder
{
    /// <summary>The program run by default.</summary>
    public const string DefaultProgram = "ffmpeg";

    /// <summary>Decodes <paramref name="path"/> to mono at <paramref name="sampleRate"/> Hz with <paramref name="program"/> (an ffmpeg-compatible command line).</summary>
    /// <exception cref="AudioFormatException">The program is missing, fails, or produces no samples.</exception>
    public static AudioClip Decode(string path, int sampleRate, string program = DefaultProgram)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-nostdin", "-v", "error", "-i", path, "-f", "f32le", "-acodec", "pcm_f32le", "-ac", "1", "-ar", sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-" })
        {
            info.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception($"could not start {program}");
        }
        catch (Win32Exception e)
        {
            throw new AudioFormatException(path,
                $"this format needs the external decoder '{program}', which is not installed or not on PATH (on Debian/Ubuntu: apt-get install ffmpeg)", e);
        }
        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            using var buffer = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(buffer);
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new AudioFormatException(path, $"'{program}' could not decode it (exit code {process.ExitCode}): {errors.Result.Trim()}");
            }
            var bytes = buffer.ToArray();
            var samples = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
            return new AudioClip(samples, sampleRate, 1, $"{program} ({Path.GetExtension(path).TrimStart('.')})");
        }
    }
}
