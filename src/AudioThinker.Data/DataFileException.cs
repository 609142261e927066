namespace AudioThinker.Data;

/// <summary>
/// An input file (audio, dataset, predictions, configuration) is wrong. The message starts with the file (and the line
/// or field where there is one) and says what is wrong; the CLI maps it to its data-error exit code.
/// </summary>
public class DataFileException : Exception
{
    /// <summary>Creates the exception; the message becomes "<paramref name="path"/>: <paramref name="problem"/>".</summary>
    public DataFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file (with ":line" when the fault is on one line of it).</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
