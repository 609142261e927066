namespace AudioThinker.Data.Tests;

/// <summary>Paths of the files in Fixtures/ (copied beside the test assembly) and a per-test temporary folder.</summary>
internal static class Fixture
{
    public static string Path(string name)
    {
        var path = System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        Assert.True(File.Exists(path), $"fixture {path} is missing");
        return path;
    }

    // One folder per test process, removed when the process exits.
    private static readonly Lazy<string> Root = new(() =>
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "audiothinker-data-tests", $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return root;
    });

    public static string TempDir(string tag)
    {
        var dir = System.IO.Path.Combine(Root.Value, $"{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
