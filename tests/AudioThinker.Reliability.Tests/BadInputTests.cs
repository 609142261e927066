using AudioThinker.Cli;
using AudioThinker.Cli.Commands;
using AudioThinker.Data.Audio;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioThinker.Reliability.Tests;

/// <summary>
/// Bad input given to <c>audiothinker train</c> (in process): malformed YAML and JSONL, a misspelt key, missing and corrupt
/// audio. Each stops the run before any training with the configuration or data exit code and a message that names the file
/// and the line, key or question; bad audio is found up front, all of it at once, not at the step that first draws it.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public sealed class BadInputTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("at-rel-bad-");

    public void Dispose() => _dir.Delete(true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private (int Code, string Output) Train(string yaml)
    {
        var config = Write("experiment.yaml", yaml);
        var app = new CommandApp();
        app.Configure(c =>
        {
            c.PropagateExceptions();
            c.AddCommand<TrainCommand>("train");
        });
        using var console = new ConsoleCapture();
        var code = CliErrors.Run(app, ["train", "--config", config]);
        return (code, console.Text);
    }

    private string Experiment(string data) => $"""
        model:
          preset: tiny
        data:
        {data}
        sft:
          steps: 0
        grpo:
          steps: 1
          groupSize: 2
          questionsPerStep: 1
          maxCompletionTokens: 4
        output:
          dir: '{Path.Combine(_dir.FullName, "run")}'
        """;

    private string Question(string id, string audio) =>
        $"{{\"id\": \"{id}\", \"audio\": \"{audio}\", \"question\": \"How many beeps?\", \"choices\": [\"1\", \"2\"], \"answer\": \"2\"}}";

    [Fact]
    public void MalformedYamlIsAConfigurationErrorNamingTheFileAndLine()
    {
        var (code, output) = Train("grpo:\n  steps: [1, 2\n  groupSize: 4\n");
        Assert.Equal(CliErrors.BadConfiguration, code);
        Assert.Contains("experiment.yaml", output);
        Assert.Matches(@"[Ll]ine \d", output);
    }

    [Fact]
    public void AMisspeltKeyIsAConfigurationErrorNamingTheKey()
    {
        var (code, output) = Train("grpo:\n  stpes: 3\n");
        Assert.Equal(CliErrors.BadConfiguration, code);
        Assert.True(output.Contains("stpes", StringComparison.Ordinal) && output.Contains("experiment.yaml", StringComparison.Ordinal), output);
    }

    [Fact]
    public void MalformedJsonlIsADataErrorNamingTheFileAndLine()
    {
        var good = Path.Combine(_dir.FullName, "good.wav");
        WavWriter.WritePcm16(good, new float[16000], 16000);
        var jsonl = Write("train.jsonl", Question("a", "good.wav") + "\n{\"id\": \"b\", \"question\": \"broken\n");
        var (code, output) = Train(Experiment($"  train: '{jsonl}'"));
        Assert.Equal(CliErrors.BadData, code);
        Assert.Contains("train.jsonl:2", output.Replace("\n", ""));
    }

    [Fact]
    public void MissingAndCorruptAudioAreFoundBeforeTrainingAllAtOnce()
    {
        WavWriter.WritePcm16(Path.Combine(_dir.FullName, "good.wav"), new float[16000], 16000);
        File.WriteAllBytes(Path.Combine(_dir.FullName, "corrupt.wav"), "RIFF\u0010\0\0\0WAVEjunkjunkjunk"u8.ToArray());
        var jsonl = Write("train.jsonl", string.Join('\n', Question("fine", "good.wav"), Question("gone", "missing.wav"), Question("broken", "corrupt.wav")));
        var (code, output) = Train(Experiment($"  train: '{jsonl}'"));
        var flat = output.Replace("\n", "");
        Assert.Equal(CliErrors.BadData, code);
        Assert.Contains("2 of 3 questions have unreadable audio", flat);
        Assert.Contains("question 'gone'", flat);
        Assert.Contains("missing.wav", flat);
        Assert.Contains("question 'broken'", flat);
        Assert.Contains("corrupt.wav", flat);
        Assert.DoesNotContain("question 'fine'", flat);
        Assert.False(Directory.Exists(Path.Combine(_dir.FullName, "run", "grpo")), "nothing may train on a dataset with bad audio");
    }
}
