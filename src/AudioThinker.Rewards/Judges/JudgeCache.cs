using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AudioThinker.Rewards.Judges;

/// <summary>
/// An on-disk cache of judge outputs: one small JSON file per key, under a two-character shard folder. A file is written to a
/// temporary name and then moved into place without overwriting, so readers never see a partial entry, concurrent writers
/// (threads or processes) of one key leave exactly one entry, and a crash leaves at most a stray temporary file.
/// </summary>
public sealed class JudgeCache
{
    /// <summary>Opens (and creates) a cache directory.</summary>
    public JudgeCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The cache's directory.</summary>
    public string Directory { get; }

    /// <summary>A key: the SHA-256 (hex) of the parts, each length-prefixed so that no two part lists collide.</summary>
    public static string Key(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var sb = new StringBuilder();
        foreach (var p in parts)
        {
            sb.Append(p.Length).Append(':').Append(p).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The cached output for <paramref name="key"/>, if an entry for the same model exists and reads back whole.</summary>
    public bool TryGet(string key, string model, out string output)
    {
        output = "";
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path, Encoding.UTF8));
            var root = doc.RootElement;
            if (root.GetProperty("model").GetString() != model)
            {
                return false;
            }
            output = root.GetProperty("output").GetString() ?? "";
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    /// <summary>Stores an output unless the key already has an entry.</summary>
    public void Put(string key, string model, string output)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            return;
        }
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["model"] = model, ["output"] = output });
        File.WriteAllText(temp, json, new UTF8Encoding(false));
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer got there first with the same entry.
            File.Delete(temp);
        }
    }

    /// <summary>Entries on disk.</summary>
    public int Count => System.IO.Directory.Exists(Directory)
        ? System.IO.Directory.EnumerateFiles(Directory, "*.json", SearchOption.AllDirectories).Count()
        : 0;

    private string PathOf(string key)
    {
        if (key.Length < 8 || !key.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"cache key '{key}' is not a lower-case hex digest", nameof(key));
        }
        return Path.Combine(Directory, key[..2], key + ".json");
    }
}
