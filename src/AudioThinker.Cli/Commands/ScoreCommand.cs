using System.ComponentModel;
using System.Globalization;
using AudioThinker.Abstractions;
using AudioThinker.Grpo.Configuration;
using AudioThinker.Rewards;
using AudioThinker.Rewards.DependencyInjection;
using AudioThinker.Rewards.Pipeline;
using AudioThinker.Rewards.Scoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioThinker.Cli.Commands;

/// <summary>
/// <c>audiothinker score</c>: scores a rollouts JSONL as one batch with the configured rewards and judges and writes each line
/// back with its mode, rewards and advantage. Without <c>--config</c> it uses the paper's rewards with the rule-based judge.
/// </summary>
public sealed class ScoreCommand : AsyncCommand<ScoreCommand.Settings>
{
    /// <summary>Options of <c>score</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>YAML file whose <c>rewards</c> (and <c>judges</c>) sections choose rewards, judges and coefficients.</summary>
        [CommandOption("--config <FILE>")]
        [Description("YAML file with a 'rewards' section (default: the paper's rewards, rule-based judge)")]
        public string? Config { get; init; }

        /// <summary>The rollouts JSONL: one batch.</summary>
        [CommandOption("--input <FILE>", true)]
        [Description("rollouts JSONL: group, question, choices, answer, completion, difficulty?, facts?")]
        public string Input { get; init; } = "";

        /// <summary>Where the scored JSONL goes (replaced once complete).</summary>
        [CommandOption("--output <FILE>", true)]
        [Description("scored JSONL: each input line plus mode, rewards and advantage")]
        public string Output { get; init; } = "";

        /// <summary>The training step the batch is scored at (ATAR anneals with step/T).</summary>
        [CommandOption("--step <S>")]
        [Description("training step for ATAR's annealing (default 0)")]
        [DefaultValue(0)]
        public int Step { get; init; }

        /// <summary>T, the planned number of steps.</summary>
        [CommandOption("--total-steps <T>")]
        [Description("planned number of steps T (default 1000, the paper's)")]
        [DefaultValue(1000)]
        public int TotalSteps { get; init; } = 1000;

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (TotalSteps < 1)
            {
                return ValidationResult.Error($"--total-steps must be at least 1 (got {TotalSteps})");
            }
            if (Step < 0 || Step > TotalSteps)
            {
                return ValidationResult.Error($"--step must be in [0, --total-steps = {TotalSteps}] (got {Step})");
            }
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Input))
        {
            throw new ConfigurationException($"--input {settings.Input} does not exist");
        }
        var (rewards, judges) = LoadSections(settings.Config);
        using var provider = new ServiceCollection().AddAudioThinkerRewards(rewards, judges).BuildServiceProvider();
        RewardPipeline pipeline;
        try
        {
            pipeline = provider.GetRequiredService<RewardPipeline>();
        }
        catch (RewardsConfigurationException e)
        {
            throw new ConfigurationException(settings.Config is null ? e.Message : $"{settings.Config}: {e.Message}", e);
        }

        RewardBatchDiagnostics d;
        try
        {
            d = await RolloutFileScorer.ScoreFileAsync(settings.Input, settings.Output, pipeline, provider.GetRequiredService<IResponseParser>(),
                new RewardContext(settings.Step, settings.TotalSteps), cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new DataException(e.Message, e);
        }

        var table = new Table().AddColumn("what").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("rollouts", Invariant($"{d.Rollouts} in {d.Groups} groups"));
        table.AddRow("think / no-think / invalid", Invariant($"{d.Think} / {d.NoThink} / {d.Invalid} (λ = {d.ThinkShare:0.###})"));
        foreach (var (name, mean) in d.Means)
        {
            table.AddRow(Markup.Escape($"mean {name}"), Invariant($"{mean:0.####}"));
        }
        table.AddRow("zero-variance groups", Invariant($"{d.ZeroVarianceGroups}"));
        table.AddRow("unparsed judge verdicts", Invariant($"{d.UnparsedJudgeVerdicts}"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"wrote {settings.Output}");
        return CliErrors.Ok;
    }

    /// <summary>
    /// The <c>rewards</c> and <c>judges</c> sections of the YAML file (the layout of an experiment file; judges may also sit
    /// under <c>rewards:judges</c>), or empty sections (the defaults) when there is no file.
    /// </summary>
    internal static (IConfigurationSection Rewards, IConfigurationSection Judges) LoadSections(string? path)
    {
        if (path is null)
        {
            var empty = new ConfigurationBuilder().Build();
            return (empty.GetSection("rewards"), empty.GetSection("rewards:judges"));
        }
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"--config {path} does not exist");
        }
        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder().AddYamlFile(Path.GetFullPath(path)).Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new ConfigurationException($"{path}: {(e.InnerException as FormatException ?? e).Message}", e);
        }
        var rewards = root.GetSection("rewards");
        var top = root.GetChildren().Select(c => c.Key).ToList();
        if (!rewards.Exists() && !root.GetSection("judges").Exists() && top.Count > 0)
        {
            throw new ConfigurationException($"{path} has no 'rewards' section (top-level keys: {string.Join(", ", top)})");
        }
        var judges = root.GetSection("judges").Exists() ? root.GetSection("judges") : rewards.GetSection("judges");
        return (rewards, judges);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
