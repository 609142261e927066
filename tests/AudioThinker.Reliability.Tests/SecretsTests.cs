using System.Text;
using AudioThinker.Cli.Reliability;

namespace AudioThinker.Reliability.Tests;

/// <summary>
/// The judge's API key is only ever read from the environment. Two jobs run as child processes with the key set (a
/// <c>score</c> job whose every think response goes to the HTTP judge, and a <c>train</c> job with the same judges), against
/// a server that fails the first request (so a retry is logged) and echoes the key in its answers; then every file either
/// job wrote (outputs, metrics, samples, checkpoints, plots, judge cache) and both consoles are scanned for the key.
/// </summary>
public sealed class SecretsTests : IDisposable
{
    private const string Variable = "AUDIOTHINKER_RELIABILITY_JUDGE_KEY";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-rel-secret-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public async Task TheKeyIsSentToTheJudgeAndWrittenNowhere()
    {
        var key = "sk-rel-" + Guid.NewGuid().ToString("N");
        var first = 0;
        await using var server = new FaultInjectingJudgeServer(r =>
            Interlocked.Exchange(ref first, 1) == 0 ? JudgeReply.Status(500)
            : JudgeReply.Completion((r.Prompt.Contains("Score:", StringComparison.Ordinal) ? "0.7" : "1") + "\n" + key));
        var cache = Path.Combine(_dir.FullName, "judge-cache");
        var judges = $"""
            rewards:
              consistency:
                judge: remote
              think:
                judge: remote
            judges:
              remote:
                type: openai
                baseUrl: {server.BaseUrl}
                model: test-judge
                apiKeyEnvironmentVariable: {Variable}
                timeoutSeconds: 10
                maxRetries: 3
                retryBaseDelaySeconds: 0.01
                cacheDirectory: '{cache}'

            """;
        var env = new Dictionary<string, string> { [Variable] = key };

        const string q = "\"group\": \"q1\", \"question\": \"how many high beeps are there?\", \"choices\": [\"0\", \"1\", \"2\", \"3\"], \"answer\": \"2\", \"facts\": {\"high_beeps\": \"2\"}";
        var input = Path.Combine(_dir.FullName, "rollouts.jsonl");
        File.WriteAllLines(input, [
            $"{{{q}, \"completion\": \"<think>high beeps: 2. so the answer is 2.</think><answer>2</answer>\"}}",
            $"{{{q}, \"completion\": \"<think>I hear three, so the answer is 3.</think><answer>3</answer>\"}}",
            $"{{{q}, \"completion\": \"<answer>2</answer>\"}}",
        ]);
        var scoreConfig = Path.Combine(_dir.FullName, "score.yaml");
        File.WriteAllText(scoreConfig, judges);
        using var score = TrainingProcess.Start(Cli.Dll, ["score", "--config", scoreConfig, "--input", input, "--output", Path.Combine(_dir.FullName, "scored.jsonl")], env);
        Assert.True(await score.WaitAsync(Cli.Timeout) == 0, score.Output);

        var trainConfig = TinyExperiment.Write(Path.Combine(_dir.FullName, "train"), grpoSteps: 2, extra: judges);
        using var train = TrainingProcess.Start(Cli.Dll, ["train", "--config", trainConfig], env);
        Assert.True(await train.WaitAsync(Cli.Timeout) == 0, train.Output);

        // The key was used: every request carried it, and the judge's answers (which echo it) were parsed and cached.
        Assert.True(server.Received.Count >= 3, $"{server.Received.Count} judge requests");
        Assert.All(server.Received, r => Assert.Equal($"Bearer {key}", r.Authorization));
        Assert.True(Directory.EnumerateFiles(cache, "*.json", SearchOption.AllDirectories).Any(), "the judge cache is empty");

        var files = Directory.EnumerateFiles(_dir.FullName, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith("scored.jsonl", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("metrics.jsonl", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("optimizer.safetensors", StringComparison.Ordinal));
        var needle = Encoding.UTF8.GetBytes(key);
        foreach (var file in files)
        {
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(needle) < 0, $"{file} contains the key");
        }
        Assert.DoesNotContain(key, score.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, train.Output, StringComparison.Ordinal);
        Assert.Contains("[redacted]", File.ReadAllText(Directory.EnumerateFiles(cache, "*.json", SearchOption.AllDirectories).First()));
    }
}
