using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Abstractions;
using AudioThinker.Rewards.Pipeline;

namespace AudioThinker.Rewards.Scoring;

/// <summary>
/// The logic of <c>audiothinker score</c>: reads a rollouts JSONL as one batch, scores it with a <see cref="RewardPipeline"/>,
/// and writes each input line back with <c>mode</c>, <c>rewards</c> (every component and <c>total</c>) and <c>advantage</c>.
/// </summary>
public static class RolloutFileScorer
{
    /// <summary>Scores <paramref name="input"/> into <paramref name="output"/>; returns the batch diagnostics.</summary>
    public static async Task<RewardBatchDiagnostics> ScoreAsync(TextReader input, string source, TextWriter output, RewardPipeline pipeline,
        IResponseParser parser, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(pipeline);
        var file = RolloutJsonl.Read(input, source, parser);
        var result = await pipeline.ScoreAsync(file.Batch, context, cancellationToken).ConfigureAwait(false);
        foreach (var line in file.Lines)
        {
            var rollout = file.Batch[line.GroupIndex].Rollouts[line.RolloutIndex];
            var breakdown = result.Breakdowns[line.GroupIndex][line.RolloutIndex];
            var json = (JsonObject)line.Json.DeepClone();
            json["mode"] = RolloutJsonl.ModeName(rollout.Mode);
            var rewards = new JsonObject();
            foreach (var (name, value) in breakdown.Components)
            {
                rewards[name] = value;
            }
            rewards[RewardNames.Total] = breakdown.Total;
            json["rewards"] = rewards;
            json["advantage"] = breakdown.Advantage;
            await output.WriteLineAsync(json.ToJsonString(JsonOptions).AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return result.Diagnostics;
    }

    /// <summary>Scores the file at <paramref name="inputPath"/> into <paramref name="outputPath"/>, which is replaced only once
    /// the whole output is written.</summary>
    public static async Task<RewardBatchDiagnostics> ScoreFileAsync(string inputPath, string outputPath, RewardPipeline pipeline,
        IResponseParser parser, RewardContext context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            RewardBatchDiagnostics diagnostics;
            using (var reader = new StreamReader(inputPath, Encoding.UTF8))
            await using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
            {
                diagnostics = await ScoreAsync(reader, inputPath, writer, pipeline, parser, context, cancellationToken).ConfigureAwait(false);
            }
            File.Move(temp, full, overwrite: true);
            return diagnostics;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
