using System.Globalization;
using System.Text.Json;

namespace AudioThinker.Grpo.Metrics;

/// <summary>One step's figures, by name (e.g. <c>reward/total/mean</c>, <c>think_rate/hard</c>, <c>kl</c>).</summary>
/// <param name="Phase">Which trainer wrote it: <c>sft</c> or <c>grpo</c>.</param>
/// <param name="Step">The step, from 1.</param>
/// <param name="Values">The figures.</param>
public sealed record StepMetrics(string Phase, int Step, IReadOnlyDictionary<string, double> Values);

/// <summary>Appends one JSON object per step to <c>metrics.jsonl</c> (flushed each line, so a crash loses nothing written),
/// and reads it back for plots and resumption.</summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter _writer;

    /// <summary>Opens (appending) the log at <paramref name="path"/>.</summary>
    public MetricsLog(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(stream) { AutoFlush = true };
        if (stream.Position > 0 && LastByte(path) != (byte)'\n')
        {
            _writer.WriteLine(); // a process killed mid-line left a torn line: end it, so the next line starts whole
        }
    }

    private static int LastByte(string path)
    {
        using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        read.Seek(-1, SeekOrigin.End);
        return read.ReadByte();
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Appends a line.</summary>
    public void Write(StepMetrics metrics)
    {
        var obj = new Dictionary<string, object> { ["phase"] = metrics.Phase, ["step"] = metrics.Step };
        foreach (var (k, v) in metrics.Values)
        {
            obj[k] = double.IsFinite(v) ? Math.Round(v, 6) : v.ToString(CultureInfo.InvariantCulture);
        }
        _writer.WriteLine(JsonSerializer.Serialize(obj));
    }

    /// <summary>Reads a log; lines of a phase after a resume replace earlier lines with the same step, and a line torn by a
    /// killed process is skipped.</summary>
    public static List<StepMetrics> Read(string path)
    {
        var byKey = new SortedDictionary<(string, int), StepMetrics>();
        if (!File.Exists(path))
        {
            return [];
        }
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                continue; // the torn last line of a killed run; the resumed run rewrites that step
            }
            using var _ = doc;
            var root = doc.RootElement;
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
            {
                if (p.Name is "phase" or "step")
                {
                    continue;
                }
                values[p.Name] = p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble()
                    : double.TryParse(p.Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
            }
            var m = new StepMetrics(root.GetProperty("phase").GetString()!, root.GetProperty("step").GetInt32(), values);
            byKey[(m.Phase, m.Step)] = m;
        }
        return [.. byKey.Values];
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
