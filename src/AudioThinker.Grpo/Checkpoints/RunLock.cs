namespace AudioThinker.Grpo.Checkpoints;

/// <summary>Keeps a second run from writing into the same output folder: an exclusive lock on <c>.lock</c>,
/// released by the operating system if the process dies.</summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _stream;

    private RunLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the folder's lock.</summary>
    /// <exception cref="IOException">Another run holds it; the message names the folder and that run's process id.</exception>
    public static RunLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, ".lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // The lock file itself cannot be read by others while held, so the owner is named in a file beside it.
            File.WriteAllText(path + ".owner", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new RunLock(stream);
        }
        catch (IOException e)
        {
            string holder;
            try
            {
                holder = File.ReadAllText(path + ".owner").Trim();
            }
            catch (IOException)
            {
                holder = "?";
            }
            throw new IOException($"output folder '{folder}' is in use by another run (process {holder}); choose another output.dir or stop that run", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
