using System.Globalization;

namespace AudioThinker.Cli.Reliability;

/// <summary>
/// A training experiment small enough to run many times on a busy CPU: a fresh <c>tiny</c> Qwen2-Audio model, six synthetic
/// questions, two warm-up steps, then GRPO with one question of two rollouts of at most eight tokens per step, a checkpoint
/// after every step, one CPU thread (deterministic, and fair to other jobs).
/// </summary>
public static class TinyExperiment
{
    /// <summary>The run folder's name, beside the experiment file (written as an absolute path: output.dir is relative to the
    /// working folder, not the file).</summary>
    public const string RunFolder = "run";

    /// <summary>Writes <c>experiment.yaml</c> into <paramref name="folder"/> and returns its path.</summary>
    /// <param name="folder">Where the file (and, below it, the run folder) go.</param>
    /// <param name="grpoSteps">GRPO steps.</param>
    /// <param name="extra">More top-level YAML (e.g. a <c>judges</c> section).</param>
    public static string Write(string folder, int grpoSteps = 6, string extra = "")
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "experiment.yaml");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"""
            name: reliability
            seed: 3
            threads: 1
            model:
              preset: tiny
            data:
              synthetic:
                trainPerLevel: 2
                testPerLevel: 0
                clipSeconds: 2
                seed: 5
            sft:
              steps: 2
              batchSize: 2
              warmupSteps: 1
            grpo:
              steps: {grpoSteps}
              questionsPerStep: 1
              groupSize: 2
              maxCompletionTokens: 8
              learningRate: 0.001
            output:
              dir: '{Path.GetFullPath(Path.Combine(folder, RunFolder))}'
              checkpointEvery: 1
              keepCheckpoints: 2
              sampleEvery: 2

            """) + extra);
        return path;
    }

    /// <summary>The newest complete GRPO checkpoint of the run next to <paramref name="experimentFile"/>, or null.</summary>
    public static string? LatestGrpoCheckpoint(string experimentFile) =>
        new Grpo.Checkpoints.CheckpointStore(Path.Combine(Path.GetDirectoryName(experimentFile)!, RunFolder, "grpo")).Latest();

    /// <summary>
    /// SHA-256 over every file of a checkpoint (model weights, tokenizer, optimizer moments, trainer state), in path order,
    /// leaving out only the completion marker, which holds the wall-clock time.
    /// </summary>
    public static string Fingerprint(string checkpoint)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(checkpoint, "*", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(f) != "complete.json")
                     .OrderBy(f => Path.GetRelativePath(checkpoint, f), StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(checkpoint, file) + "\n"));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
