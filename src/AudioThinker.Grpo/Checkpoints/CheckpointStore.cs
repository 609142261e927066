using System.Globalization;
using System.Text.Json;

namespace AudioThinker.Grpo.Checkpoints;

/// <summary>
/// The checkpoints of a run: <c>checkpoints/step-000010/</c> folders, each written completely under a temporary
/// name and renamed into place, so a crash mid-write leaves the previous checkpoint intact and no half checkpoint
/// that looks whole. <c>checkpoints/latest</c> names the newest complete one (also written by rename).
/// </summary>
public sealed class CheckpointStore(string runFolder, int keep = 2)
{
    private const string Prefix = "step-";
    private const string CompleteMarker = "complete.json";

    /// <summary>The folder holding the checkpoints.</summary>
    public string Folder { get; } = Path.Combine(runFolder, "checkpoints");

    /// <summary>Writes a checkpoint: <paramref name="write"/> fills a fresh folder; then it becomes visible atomically.</summary>
    /// <returns>The checkpoint's folder.</returns>
    public string Save(string phase, int step, Action<string> write)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{Prefix}{phase}-{step:D6}";
        var final = Path.Combine(Folder, name);
        var temp = Path.Combine(Folder, $".{name}.tmp-{Environment.ProcessId}");
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }
        Directory.CreateDirectory(temp);
        write(temp);
        File.WriteAllText(Path.Combine(temp, CompleteMarker), JsonSerializer.Serialize(new { phase, step, utc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) }));
        if (Directory.Exists(final))
        {
            // Re-saving the same step (e.g. after a resume): move the old one aside first, then drop it.
            var old = final + ".old-" + Environment.ProcessId;
            Directory.Move(final, old);
            Directory.Move(temp, final);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.Move(temp, final);
        }
        var latestTemp = Path.Combine(Folder, $".latest.tmp-{Environment.ProcessId}");
        File.WriteAllText(latestTemp, name);
        File.Move(latestTemp, Path.Combine(Folder, "latest"), overwrite: true);
        Prune(phase);
        return final;
    }

    /// <summary>The newest complete checkpoint, or null. Folders without their completion marker are ignored.</summary>
    public string? Latest()
    {
        var pointer = Path.Combine(Folder, "latest");
        if (File.Exists(pointer))
        {
            var named = Path.Combine(Folder, File.ReadAllText(pointer).Trim());
            if (IsComplete(named))
            {
                return named;
            }
        }
        return All().LastOrDefault();
    }

    /// <summary>Every complete checkpoint, oldest first (sft before grpo, then by step).</summary>
    public IReadOnlyList<string> All() =>
        !Directory.Exists(Folder) ? [] :
        Directory.GetDirectories(Folder, Prefix + "*").Where(IsComplete)
            .OrderBy(d => Path.GetFileName(d).Contains("-grpo-", StringComparison.Ordinal) ? 1 : 0)
            .ThenBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToList();

    /// <summary>Whether a folder is a complete checkpoint.</summary>
    public static bool IsComplete(string folder) => File.Exists(Path.Combine(folder, CompleteMarker));

    private void Prune(string phase)
    {
        var mine = All().Where(d => Path.GetFileName(d).StartsWith($"{Prefix}{phase}-", StringComparison.Ordinal)).ToList();
        foreach (var old in mine.Take(Math.Max(0, mine.Count - keep)))
        {
            Directory.Delete(old, recursive: true);
        }
    }
}
