using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Data.IO;

namespace AudioThinker.Policies.Loading;

/// <summary>
/// The weights of a Hugging Face checkpoint folder: <c>model.safetensors</c>, or the shards that
/// <c>model.safetensors.index.json</c>'s <c>weight_map</c> names. Headers are read up front; tensor data on demand.
/// </summary>
public sealed class CheckpointFiles : IDisposable
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFile = "model.safetensors";

    /// <summary>The shard index name.</summary>
    public const string IndexFile = "model.safetensors.index.json";

    private readonly Dictionary<string, SafeTensorsFile> _byKey;
    private readonly List<SafeTensorsFile> _files;

    private CheckpointFiles(string directory, List<SafeTensorsFile> files, Dictionary<string, SafeTensorsFile> byKey)
    {
        Directory = directory;
        _files = files;
        _byKey = byKey;
    }

    /// <summary>The checkpoint folder.</summary>
    public string Directory { get; }

    /// <summary>Every tensor key and its header entry.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors => _byKey.ToDictionary(kv => kv.Key, kv => kv.Value.Tensors[kv.Key], StringComparer.Ordinal);

    /// <summary>The files opened.</summary>
    public IReadOnlyList<string> Files => _files.Select(f => f.Path).ToList();

    /// <summary>Opens the weights of <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">No weights file, a bad index, a shard that is missing or lacks a key the index promises.</exception>
    public static CheckpointFiles Open(string directory)
    {
        var index = Path.Combine(directory, IndexFile);
        var single = Path.Combine(directory, SingleFile);
        var files = new List<SafeTensorsFile>();
        var byKey = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(index))
            {
                var weightMap = ReadWeightMap(index);
                foreach (var shardName in weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    var shardPath = Path.Combine(directory, shardName);
                    if (!File.Exists(shardPath))
                    {
                        throw new InvalidDataException($"{index}: shard '{shardName}' named in weight_map does not exist in {directory}");
                    }
                    files.Add(SafeTensorsFile.Open(shardPath));
                }
                var open = files.ToDictionary(f => Path.GetFileName(f.Path), StringComparer.Ordinal);
                foreach (var (key, shardName) in weightMap)
                {
                    var file = open[shardName];
                    if (!file.Tensors.ContainsKey(key))
                    {
                        throw new InvalidDataException($"{index}: weight_map puts '{key}' in {shardName}, which has no such tensor");
                    }
                    byKey[key] = file;
                }
            }
            else if (File.Exists(single))
            {
                var file = SafeTensorsFile.Open(single);
                files.Add(file);
                foreach (var key in file.Tensors.Keys)
                {
                    byKey[key] = file;
                }
            }
            else
            {
                var present = System.IO.Directory.Exists(directory)
                    ? string.Join(", ", System.IO.Directory.EnumerateFiles(directory).Select(Path.GetFileName).Order().Take(20))
                    : "(the folder does not exist)";
                throw new InvalidDataException($"{directory}: no {SingleFile} or {IndexFile}; found: {(present.Length == 0 ? "nothing" : present)}");
            }
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }
        return new CheckpointFiles(directory, files, byKey);
    }

    private static Dictionary<string, string> ReadWeightMap(string index)
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(index))?.AsObject() ?? throw new InvalidDataException($"{index}: empty JSON");
            var map = root["weight_map"]?.AsObject() ?? throw new InvalidDataException($"{index}: no 'weight_map' object");
            return map.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? throw new InvalidDataException($"{index}: weight_map['{kv.Key}'] is null"),
                StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{index}: malformed shard index: {e.Message}", e);
        }
    }

    /// <summary>Reads one tensor onto the CPU in its stored dtype.</summary>
    public TorchSharp.torch.Tensor Read(string key) =>
        _byKey.TryGetValue(key, out var file) ? file.Read(key) : throw new KeyNotFoundException($"{Directory}: no tensor named '{key}'");

    /// <inheritdoc />
    public void Dispose() => _files.ForEach(f => f.Dispose());
}
