using System.Diagnostics;
using System.Text;

namespace AudioThinker.Policies.Tests;

/// <summary>The build-time libstdc++ compat step (eng/native/torchsharp-compat.sh), tested both ways.</summary>
public class NativeCompatTests
{
    private static readonly string RepoRoot = FindRepoRoot();
    private static readonly string Script = Path.Combine(RepoRoot, "eng", "native", "torchsharp-compat.sh");
    private static readonly string NativeDir = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    [Fact]
    public void ProbeSaysAbsentForALibStdCxxWithoutTheVersion()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("probe").FullName, "libstdc++.so.6");
        File.WriteAllBytes(file, Encoding.ASCII.GetBytes("\x7f" + "ELF\0GLIBCXX_3.4.29\0GLIBCXX_3.4.30\0CXXABI_1.3.13\0"));
        Assert.Equal("absent", Run("probe", file).Trim());
    }

    [Fact]
    public void ProbeSaysPresentForALibraryThatDefinesTheVersion()
    {
        // The compat shim itself defines GLIBCXX_3.4.32; on hosts that need no shim, the system libstdc++ does.
        var shim = Path.Combine(NativeDir, "libatcxx32.so");
        var subject = File.Exists(shim) ? shim : Run("system-libstdcxx").Trim();
        Assert.Equal("present", Run("probe", subject).Trim());
    }

    [Fact]
    public void OutputCopyIsPatchedExactlyWhenTheHostNeedsIt()
    {
        var hostHasVersion = Run("probe", Run("system-libstdcxx").Trim()).Trim() == "present";
        var needed = Readelf("-d", Path.Combine(NativeDir, "libLibTorchSharp.so"));
        if (hostHasVersion)
        {
            Assert.Contains("[libstdc++.so.6]", needed);
            Assert.False(File.Exists(Path.Combine(NativeDir, "libatcxx32.so")));
        }
        else
        {
            Assert.Contains("[libatcxx32.so]", needed);
            Assert.DoesNotContain("[libstdc++.so.6]", needed);
            // The shim declares every version node that the patched library asks of it.
            var asked = Readelf("-V", Path.Combine(NativeDir, "libLibTorchSharp.so"));
            var defined = Readelf("-V", Path.Combine(NativeDir, "libatcxx32.so"));
            foreach (var line in asked.Split('\n').SkipWhile(l => !l.Contains("File: libatcxx32.so", StringComparison.Ordinal)).Skip(1)
                         .TakeWhile(l => !l.Contains("File:", StringComparison.Ordinal)).Where(l => l.Contains("Name:", StringComparison.Ordinal)))
            {
                var version = line.Split("Name:")[1].Trim().Split(' ')[0];
                Assert.Contains("Name: " + version, defined);
            }
        }
    }

    private static string Run(params string[] args) => Exec("bash", [Script, .. args]);

    private static string Readelf(string flag, string file) => Exec("readelf", [flag, "--wide", file]);

    private static string Exec(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), $"{program} timed out");
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {p.ExitCode}: {error}");
        return output;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AudioThinker.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("AudioThinker.sln not found above " + AppContext.BaseDirectory);
    }
}
