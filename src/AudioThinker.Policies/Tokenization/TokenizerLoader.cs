namespace AudioThinker.Policies.Tokenization;

/// <summary>Opens whichever tokenizer a checkpoint folder carries.</summary>
public static class TokenizerLoader
{
    /// <summary>True when <paramref name="directory"/> holds a tokenizer of either kind.</summary>
    public static bool HasTokenizer(string directory) =>
        File.Exists(Path.Combine(directory, CompactTokenizer.DefaultFileName)) || File.Exists(Path.Combine(directory, HfTokenizer.TokenizerFileName))
        || File.Exists(Path.Combine(directory, HfTokenizer.TokenizerFileName + ".gz"));

    /// <summary>A <see cref="CompactTokenizer"/> when the folder has <see cref="CompactTokenizer.DefaultFileName"/>,
    /// else the Hugging Face files (<see cref="HfTokenizer.FromDirectory"/>).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds neither kind of tokenizer.</exception>
    public static ITextTokenizer FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"checkpoint folder not found: {directory}");
        }
        var compact = Path.Combine(directory, CompactTokenizer.DefaultFileName);
        return File.Exists(compact) ? CompactTokenizer.Load(compact) : HfTokenizer.FromDirectory(directory);
    }
}
