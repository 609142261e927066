using System.Diagnostics;

namespace AudioThinker.Data.Tests.Audio;

/// <summary>Runs the reference encoders the audio tests compare against (Debian packages flac, lame).</summary>
internal static class ExternalTool
{
    public static void Run(string program, string package, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"this test needs the reference encoder '{program}': apt-get install {package}");
            return;
        }
        using (process)
        {
            var err = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {err}");
        }
    }
}
