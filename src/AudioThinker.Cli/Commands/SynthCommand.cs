using System.ComponentModel;
using AudioThinker.Abstractions;
using AudioThinker.Data;
using AudioThinker.Data.Datasets;
using AudioThinker.Data.Features;
using AudioThinker.Data.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AudioThinker.Cli.Commands;

/// <summary><c>audiothinker synth</c>: writes the synthetic difficulty-graded audio QA set (WAV files, questions.jsonl, manifest.json).</summary>
public sealed class SynthCommand : Command<SynthCommand.Settings>
{
    /// <summary>Options of <c>synth</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>YAML or JSON file of <see cref="SyntheticOptions"/> (snake_case keys); omitted keys keep their defaults.</summary>
        [CommandOption("--config <FILE>")]
        [Description("YAML/JSON settings: seed, clip_seconds, counts {easy, medium, hard}, max_beeps, templates, ... (see docs/data.md)")]
        public string? Config { get; init; }

        /// <summary>Folder to write into.</summary>
        [CommandOption("--output <DIR>")]
        [Description("folder to write audio/, questions.jsonl and manifest.json into")]
        public string Output { get; init; } = "";

        /// <summary>Overrides the seed.</summary>
        [CommandOption("--seed <N>")]
        [Description("override the seed")]
        public long? Seed { get; init; }

        /// <summary>Overrides the number of easy questions.</summary>
        [CommandOption("--easy <N>")]
        [Description("override counts.easy")]
        public int? Easy { get; init; }

        /// <summary>Overrides the number of medium questions.</summary>
        [CommandOption("--medium <N>")]
        [Description("override counts.medium")]
        public int? Medium { get; init; }

        /// <summary>Overrides the number of hard questions.</summary>
        [CommandOption("--hard <N>")]
        [Description("override counts.hard")]
        public int? Hard { get; init; }

        /// <summary>Overrides the clip length.</summary>
        [CommandOption("--clip-seconds <S>")]
        [Description("override clip_seconds")]
        public double? ClipSeconds { get; init; }

        /// <summary>Spectrogram PNGs to draw per level.</summary>
        [CommandOption("--plots <N>")]
        [Description("also draw the log-mel spectrogram of the first N clips of each level into examples/")]
        [DefaultValue(0)]
        public int Plots { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Output) ? ValidationResult.Error("--output DIR is required") : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SyntheticGenerator generator;
        try
        {
            var options = settings.Config is null ? new SyntheticOptions() : SyntheticOptions.Load(settings.Config);
            options.Seed = settings.Seed ?? options.Seed;
            options.ClipSeconds = settings.ClipSeconds ?? options.ClipSeconds;
            options.Counts.Easy = settings.Easy ?? options.Counts.Easy;
            options.Counts.Medium = settings.Medium ?? options.Counts.Medium;
            options.Counts.Hard = settings.Hard ?? options.Counts.Hard;
            generator = new SyntheticGenerator(options);
        }
        catch (Exception e) when (e is DataFileException or ArgumentException)
        {
            throw new ConfigurationException(settings.Config is null ? e.Message : $"{(e is DataFileException ? "" : settings.Config + ": ")}{e.Message}", e);
        }
        var dataset = generator.Write(settings.Output);
        var table = new Table().AddColumn("level").AddColumn("template").AddColumn(new TableColumn("questions").RightAligned());
        foreach (var group in dataset.Questions.GroupBy(q => (q.Difficulty, q.SubCategory)))
        {
            table.AddRow(DifficultyNames.Name(group.Key.Difficulty), Markup.Escape(group.Key.SubCategory ?? ""), group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        var vocabulary = SyntheticGenerator.Vocabulary(dataset.Questions);
        AnsiConsole.MarkupLineInterpolated($"{dataset.Questions.Count} questions, {generator.Options.ClipSeconds} s clips at {generator.Options.SampleRate} Hz, seed {generator.Options.Seed}, vocabulary {vocabulary.Count} words");
        AnsiConsole.MarkupLineInterpolated($"wrote {dataset.QuestionsFile} and {dataset.ManifestFile}");
        if (settings.Plots > 0)
        {
            var examples = Path.Combine(dataset.Directory, "examples");
            Directory.CreateDirectory(examples);
            var extractor = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = 128, ChunkSeconds = generator.Options.ClipSeconds, SampleRate = generator.Options.SampleRate });
            var framesPerSecond = (double)generator.Options.SampleRate / extractor.Options.HopLength;
            foreach (var item in generator.Items().GroupBy(i => i.Question.Difficulty).SelectMany(g => g.Take(settings.Plots)))
            {
                var q = item.Question;
                SpectrogramChart.Save(extractor.Extract(item.Samples), Path.Combine(examples, q.Id + ".png"), $"{q.Id}: {q.Question} → {q.Answer}", framesPerSecond);
            }
            AnsiConsole.MarkupLineInterpolated($"drew spectrograms into {examples}");
        }
        return CliErrors.Ok;
    }
}
