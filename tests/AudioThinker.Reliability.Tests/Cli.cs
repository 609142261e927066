using AudioThinker.Cli.Commands;

namespace AudioThinker.Reliability.Tests;

/// <summary>Where the audiothinker CLI that the tests start as a child process is.</summary>
internal static class Cli
{
    /// <summary>The copy of audiothinker.dll built beside the tests (with its runtimeconfig), run as <c>dotnet audiothinker.dll</c>.</summary>
    public static string Dll => typeof(TrainCommand).Assembly.Location;

    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
}
