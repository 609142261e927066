using System.Diagnostics;
using System.Text.Json.Nodes;
using AudioThinker.Cli;
using AudioThinker.Cli.Commands;
using Spectre.Console.Cli;

namespace AudioThinker.Cli.Tests;

public sealed class ScoreCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-score-cli-");

    public void Dispose() => _dir.Delete(true);

    private const string Q = "\"group\": \"q1\", \"question\": \"how many high beeps are there?\", \"choices\": [\"0\", \"1\", \"2\", \"3\"], \"answer\": \"2\", \"difficulty\": \"medium\", \"facts\": {\"sequence\": \"high low high\", \"high_beeps\": \"2\"}";

    private static readonly string[] Lines =
    [
        $"{{{Q}, \"completion\": \"<think>sequence: high low high. high beeps: 2. so the answer is 2.</think><answer>2</answer>\"}}",
        $"{{{Q}, \"completion\": \"<answer>3</answer>\"}}",
        $"{{{Q}, \"completion\": \"<answer>2</answer>\"}}",
        $"{{{Q}, \"completion\": \"I think 2\"}}",
    ];

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static CommandApp App()
    {
        var app = new CommandApp();
        app.Configure(c =>
        {
            c.PropagateExceptions();
            c.AddCommand<ScoreCommand>("score");
        });
        return app;
    }

    private static JsonObject[] Read(string path) => File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

    [Fact]
    public void WithoutConfigItScoresWithThePaperRewards()
    {
        var input = Write("in.jsonl", string.Join('\n', Lines));
        var output = Path.Combine(_dir.FullName, "scored.jsonl");
        Assert.Equal(CliErrors.Ok, CliErrors.Run(App(), ["score", "--input", input, "--output", output, "--step", "500", "--total-steps", "1000"]));

        var scored = Read(output);
        Assert.Equal(["think", "no-think", "no-think", "invalid"], scored.Select(s => s["mode"]!.GetValue<string>()));
        Assert.All(scored, s => Assert.Equal(["format", "accuracy", "atar", "consistency", "think", "total"], s["rewards"]!.AsObject().Select(kv => kv.Key)));
        // Think and right at λ = 1/4, step/T = 1/2: R_a = γ_think = exp(−0.125); consistent; facts right: R_t = 1.
        double atar = Math.Exp(-0.25 * 0.5);
        Assert.Equal(atar, scored[0]["rewards"]!["atar"]!.GetValue<double>(), 12);
        Assert.Equal(atar * 1.5 + 0.5 + 1, scored[0]["rewards"]!["total"]!.GetValue<double>(), 12);
        Assert.Equal(0, scored.Sum(s => s["advantage"]!.GetValue<double>()), 9);
        Assert.Equal("high low high", scored[0]["facts"]!["sequence"]!.GetValue<string>());
    }

    [Fact]
    public void TheYamlChoosesRewardsJudgesAndCoefficients()
    {
        var input = Write("in.jsonl", string.Join('\n', Lines));
        var output = Path.Combine(_dir.FullName, "scored.jsonl");
        var weighted = Write("r1.yaml", "rewards:\n  pipeline: [format, accuracy]\n  combiner: weighted\n  weights:\n    accuracy: 2\n");
        Assert.Equal(CliErrors.Ok, CliErrors.Run(App(), ["score", "--config", weighted, "--input", input, "--output", output]));
        var scored = Read(output);
        Assert.Equal(["format", "accuracy", "total"], scored[0]["rewards"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal([3.0, 1, 3, 0], scored.Select(s => s["rewards"]!["total"]!.GetValue<double>()));

        // Judges as an experiment file lays them out: a top-level section beside rewards.
        var strict = Write("strict.yaml", "rewards:\n  think:\n    judge: strict\n  eq7:\n    thinkCoefficient: 2\njudges:\n  strict:\n    type: rule-based\n    minWords: 50\n");
        Assert.Equal(CliErrors.Ok, CliErrors.Run(App(), ["score", "--config", strict, "--input", input, "--output", output]));
        Assert.Equal(0.0, Read(output)[0]["rewards"]!["think"]!.GetValue<double>());
    }

    [Fact]
    public void ABadLineIsADataErrorNamingTheLine()
    {
        var input = Write("bad.jsonl", Lines[0] + "\n\n{\"group\": \"q1\", \"question\": 5}\n");
        var output = Path.Combine(_dir.FullName, "scored.jsonl");
        var e = Assert.Throws<DataException>(() => App().Run(["score", "--input", input, "--output", output]));
        Assert.Equal($"{input} line 3: 'question' must be a string", e.Message);
        Assert.Equal(CliErrors.BadData, CliErrors.Run(App(), ["score", "--input", input, "--output", output]));
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("rewards:\n  atar:\n    noThinkCorrect: NaN\n", "rewards:atar:noThinkCorrect must be finite")]
    [InlineData("rewards:\n  atar:\n    noThinkCorect: 2\n", "rewards:atar:noThinkCorect is not a known key")]
    [InlineData("rewards:\n  pipeline: [format, speed]\n", "rewards:pipeline names 'speed', which is not a registered reward")]
    [InlineData("rewards:\n  think:\n    judge: qwen\njudges:\n  qwen:\n    type: openai\n    model: m\n", "judges:qwen:baseUrl must be set")]
    [InlineData("grpo:\n  steps: 3\n", "has no 'rewards' section (top-level keys: grpo)")]
    [InlineData("rewards: [unclosed\n", "not valid YAML")]
    public void ABadConfigIsAConfigurationErrorNamingTheKey(string yaml, string message)
    {
        var input = Write("in.jsonl", string.Join('\n', Lines));
        var config = Write("bad.yaml", yaml);
        var args = new[] { "score", "--config", config, "--input", input, "--output", Path.Combine(_dir.FullName, "o.jsonl") };
        var e = Assert.Throws<ConfigurationException>(() => App().Run(args));
        Assert.Contains(message, e.Message);
        Assert.Equal(CliErrors.BadConfiguration, CliErrors.Run(App(), args));
    }

    [Fact]
    public void BadCommandLinesAreConfigurationErrors()
    {
        var input = Write("in.jsonl", string.Join('\n', Lines));
        var output = Path.Combine(_dir.FullName, "o.jsonl");
        Assert.Equal(CliErrors.BadConfiguration, CliErrors.Run(App(), ["score", "--output", output]));
        Assert.Equal(CliErrors.BadConfiguration, CliErrors.Run(App(), ["score", "--input", input, "--output", output, "--step", "5", "--total-steps", "2"]));
        Assert.Equal(CliErrors.BadConfiguration, CliErrors.Run(App(), ["score", "--input", input + ".missing", "--output", output]));
    }

    [Fact]
    public async Task TheInstalledCommandHasTheScoreVerb()
    {
        // The real entry point, as a user runs it: proves Program.cs registers the verb.
        var dll = Path.Combine(AppContext.BaseDirectory, "audiothinker.dll");
        Assert.True(File.Exists(dll), dll);
        var input = Write("in.jsonl", string.Join('\n', Lines));
        var output = Path.Combine(_dir.FullName, "scored.jsonl");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "score", "--input", input, "--output", output })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, await stdout + await stderr);
        Assert.Contains("mean total", await stdout);
        Assert.Equal(4, File.ReadAllLines(output).Length);
    }
}
