using AudioThinker.Data.Evaluation;
using AudioThinker.Grpo.Checkpoints;
using AudioThinker.Grpo.Configuration;
using AudioThinker.Grpo.Evaluation;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Runtime;
using Spectre.Console;

namespace AudioThinker.Cli.Commands;

/// <summary>Runs an experiment's trained model on a benchmark file (the model half of <c>eval --config</c>).</summary>
internal static class ModelRun
{
    public static void Predict(string config, string? checkpoint, Benchmark benchmark, string data, string predictions, CancellationToken cancellationToken)
    {
        Experiment experiment;
        try
        {
            experiment = Experiment.Load(config);
        }
        catch (ExperimentConfigurationException e)
        {
            throw new ConfigurationException(e.Message, e);
        }
        var o = experiment.Options;
        TorchRuntime.Initialize(new DeviceOptions { Device = o.Device, CpuThreads = o.Threads });
        var folder = checkpoint ?? Newest(o.Output.Dir) ?? o.Model.Path
                     ?? throw new ConfigurationException($"{config}: no checkpoint in {o.Output.Dir} and no model.path; train first or pass --checkpoint");
        var (model, tokenizer) = ModelStore.Load(folder);
        var session = new PolicySession(model, tokenizer, Path.GetDirectoryName(Path.GetFullPath(data)));
        AnsiConsole.MarkupLineInterpolated($"[blue]» running {folder} on {data}[/]");
        try
        {
            BenchmarkRunner.Run(session, benchmark, data, PromptTemplates.Get(o.Prompt), predictions, o.Grpo.MaxCompletionTokens,
                progress: (n, total) => Console.Error.Write($"\r  {n}/{total} questions"), cancellationToken: cancellationToken);
            Console.Error.WriteLine();
        }
        catch (Exception e) when (e is InvalidDataException or AudioThinker.Data.DataFileException)
        {
            throw new DataException(e.Message, e);
        }
    }

    private static string? Newest(string runFolder)
    {
        var latest = new CheckpointStore(Path.Combine(runFolder, "grpo")).Latest() ?? new CheckpointStore(Path.Combine(runFolder, "sft")).Latest();
        return latest is null ? null : Path.Combine(latest, "model");
    }
}
