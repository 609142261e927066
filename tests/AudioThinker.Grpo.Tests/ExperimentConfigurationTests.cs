using AudioThinker.Grpo.Configuration;
using AudioThinker.Grpo.Training;

namespace AudioThinker.Grpo.Tests;

public class ExperimentConfigurationTests
{
    private static string Write(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("exp").FullName, "experiment.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void ValidFileBindsEveryLevel()
    {
        var exp = Experiment.Load(Write("""
            name: demo
            seed: 3
            model:
              preset: tiny
              loraTargets: [q_proj, v_proj]
            grpo:
              steps: 20
              groupSize: 4
              beta: 0.0
              loss: dr_grpo
              schedule: cosine
            sft:
              thinkShare: [0.2, 0.5, 0.8]
            rewards:
              anything: goes here
            """));
        Assert.Equal("demo", exp.Options.Name);
        Assert.Equal(3, exp.Options.Seed);
        Assert.Equal(["q_proj", "v_proj"], exp.Options.Model.LoraTargets);
        Assert.Equal(20, exp.Options.Grpo.Steps);
        Assert.Equal(LossAggregation.DrGrpo, exp.Options.Grpo.Loss);
        Assert.Equal(ScheduleKind.Cosine, exp.Options.Grpo.Schedule);
        Assert.Equal([0.2, 0.5, 0.8], exp.Options.Sft.ThinkShare);
        Assert.Equal(1e-6, exp.Options.Grpo.LearningRate); // untouched default
        Assert.Equal("goes here", exp.Configuration["rewards:anything"]);
    }

    [Fact]
    public void UnknownKeyIsAnErrorNamingItsPath()
    {
        var e = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(Write("grpo:\n  betta: 0.1\n")));
        Assert.Contains(e.Errors, x => x.StartsWith("grpo.betta: unknown key", StringComparison.Ordinal));
    }

    [Fact]
    public void RuleViolationsAreAllListedWithPaths()
    {
        var e = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(Write("""
            device: tpu
            grpo:
              groupSize: 1
              beta: -1
              topP: 0
            sft:
              thinkShare: [0.5, 1.5, 0.1]
            """)));
        Assert.Contains(e.Errors, x => x.StartsWith("device:", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("grpo.groupSize: must be >= 2", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("grpo.beta: must be >= 0", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("grpo.topP:", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x == "sft.thinkShare[1]: must be in [0, 1]");
    }

    [Fact]
    public void LoraSettingsAreCheckedWithTheirPaths()
    {
        var e = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(Write("""
            model:
              loraRank: 8
              loraDropout: 1.5
              loraTargets: [q_proj, qkv]
            """)));
        Assert.Contains(e.Errors, x => x == "model.loraDropout: must be in [0, 1)");
        Assert.Contains(e.Errors, x => x.StartsWith("model.loraTargets[1]: 'qkv' must be one of q_proj", StringComparison.Ordinal));
        Assert.DoesNotContain(e.Errors, x => x.StartsWith("model.loraRank", StringComparison.Ordinal));
        var ok = Experiment.Load(Write("model:\n  loraRank: 8\n  loraTargets: [q_proj, down_proj]\n"));
        var config = ok.Options.Model.ToLoraConfig();
        Assert.True(config.Targets("language_model.model.layers.3.self_attn.q_proj"));
        Assert.True(config.Targets("model.layers.0.mlp.down_proj")); // a text-only decoder
        Assert.False(config.Targets("audio_tower.layers.0.self_attn.q_proj"));
        Assert.False(config.Targets("language_model.model.layers.3.self_attn.k_proj"));
    }

    [Fact]
    public void BadValuesNameTheKeyAndTheValue()
    {
        var e = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(Write("grpo:\n  steps: many\n  loss: ppo\n")));
        Assert.Contains(e.Errors, x => x == "grpo.steps: 'many' is not a valid whole number");
        Assert.Contains(e.Errors, x => x.StartsWith("grpo.loss: 'ppo' is not one of grpo, dapo, dr_grpo", StringComparison.Ordinal));
    }

    [Fact]
    public void MalformedYamlNamesTheFileAndLine()
    {
        var path = Write("grpo:\n  steps: [1, 2\nname: x\n");
        var e = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(path));
        Assert.Contains(path, e.Message);
        Assert.True(e.Message.Contains("line", StringComparison.Ordinal), e.Message);
        Assert.Contains("not valid YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntheticClipTooShortForItsScenesIsAConfigurationError()
    {
        var e = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(Write("data:\n  synthetic:\n    clipSeconds: 1\n")));
        Assert.Contains(e.Errors, x => x.StartsWith("data.synthetic.clipSeconds:", StringComparison.Ordinal) && x.Contains("1.82", StringComparison.Ordinal));
    }

    [Fact]
    public void SyntheticTemplatesAreCheckedByNameAndLevel()
    {
        var unknown = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(Write("data:\n  synthetic:\n    templates: [first_pitch, count_high, hihg_parity]\n")));
        Assert.Contains(unknown.Errors, x => x.StartsWith("data.synthetic.templates:", StringComparison.Ordinal) && x.Contains("'hihg_parity'", StringComparison.Ordinal));
        var noEasy = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(Write("data:\n  synthetic:\n    templates: [count_high, high_parity]\n")));
        Assert.Contains(noEasy.Errors, x => x.StartsWith("data.synthetic.templates:", StringComparison.Ordinal) && x.Contains("easy", StringComparison.Ordinal));
        var chosen = Experiment.Load(Write("data:\n  synthetic:\n    templates: [first_pitch, count_high, high_parity]\n"));
        Assert.Equal(["first_pitch", "count_high", "high_parity"], chosen.Options.Data.Synthetic.Templates);
    }

    [Fact]
    public void MissingDataFileIsNamed()
    {
        var e = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(Write("data:\n  train: nowhere.jsonl\n")));
        Assert.Contains(e.Errors, x => x.StartsWith("data.train: file", StringComparison.Ordinal) && x.Contains("nowhere.jsonl", StringComparison.Ordinal));
    }
}

public class QuickstartConfigurationTests
{
    private static string Embedded => Path.Combine(FindRoot(), "experiments", "quickstart.yaml");

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "AudioThinker.sln")))
            {
                return d.FullName;
            }
        }
        throw new DirectoryNotFoundException("AudioThinker.sln");
    }

    [Theory]
    [InlineData("default", 3, 600, 24)]
    [InlineData("fast", 1, 150, 10)]
    public void TheShippedProfilesLoadAndApplyTheirOverrides(string profile, int seeds, int sftSteps, int grpoSteps)
    {
        var runner = new AudioThinker.Grpo.Composition.QuickstartRunner(Embedded, profile);
        Assert.Equal(seeds, runner.Options.Seeds);
        Assert.Equal(sftSteps, runner.Base.Options.Sft.Steps);
        Assert.Equal(grpoSteps, runner.Base.Options.Grpo.Steps);
        Assert.Equal(5, runner.Options.Variants.Count);
        foreach (var v in runner.Options.Variants)
        {
            var exp = runner.Build(v, 1); // each variant's rewards section must compose and validate
            Assert.Equal(v.Prompt, exp.Options.Prompt);
        }
    }

    [Fact]
    public void AnUnknownProfileIsNamed()
    {
        var e = Assert.Throws<ExperimentConfigurationException>(() => new AudioThinker.Grpo.Composition.QuickstartRunner(Embedded, "huge"));
        Assert.Contains("profiles.huge: no such profile", e.Message, StringComparison.Ordinal);
    }
}

public class SftThinkShareTests
{
    [Fact]
    public void SharesBySubCategoryOverrideTheLevelShareInTheDemonstrations()
    {
        var questions = TinySetup.Questions(perLevel: 12);
        var sub = questions.First(q => q.Difficulty == AudioThinker.Abstractions.Difficulty.Easy).SubCategory!;
        var other = questions.First(q => q.Difficulty == AudioThinker.Abstractions.Difficulty.Hard).SubCategory!;
        var options = new AudioThinker.Grpo.Options.SftOptions
        {
            Steps = 1,
            PromptMix = new(StringComparer.OrdinalIgnoreCase) { ["adaptive"] = 1 },
            ThinkShare = [0.5],
            ThinkShareBySubCategory = new(StringComparer.Ordinal) { [sub] = 1.0, [other] = 0.0 },
        };
        using var trainer = new SftTrainer(TinySetup.Session(questions), options, questions, seed: 1, new TrainerOutput(TinySetup.TempDir("sft-share")));
        var demos = Enumerable.Range(0, questions.Count).SelectMany(i => Enumerable.Range(0, 4).Select(epoch => (questions[i], trainer.DemonstrationFor(i, epoch)))).ToList();
        Assert.All(demos.Where(d => d.Item1.SubCategory == sub), d => Assert.True(d.Item2.Thinks));
        Assert.All(demos.Where(d => d.Item1.SubCategory == other), d => Assert.False(d.Item2.Thinks));
        // The rest keep the level share: some think, some do not.
        var rest = demos.Where(d => d.Item1.SubCategory != sub && d.Item1.SubCategory != other).Select(d => d.Item2.Thinks).ToList();
        Assert.Contains(true, rest);
        Assert.Contains(false, rest);
    }

    [Fact]
    public void SharesBySubCategoryNameATemplateInUseAndAShareInRange()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("exp").FullName, "experiment.yaml");
        File.WriteAllText(path, """
            data:
              synthetic:
                templates: [first_pitch, count_beeps, high_parity]
            sft:
              thinkShareBySubCategory: { first_pitch: 1.0, frist_pitch: 0.5, count_beeps: 1.5, last_pitch: 0.2 }
            """);
        var e = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(path));
        Assert.Contains(e.Errors, x => x.StartsWith("sft.thinkShareBySubCategory.frist_pitch: not a template of this synthetic set (first_pitch, count_beeps, high_parity)", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("sft.thinkShareBySubCategory.last_pitch: not a template", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x == "sft.thinkShareBySubCategory.count_beeps: must be in [0, 1], got 1.5");
        Assert.DoesNotContain(e.Errors, x => x.Contains("first_pitch:", StringComparison.Ordinal));
    }
}

public class SftTextStageTests
{
    [Fact]
    public void TextDemonstrationsAreTheThinkingDemonstrationsWithoutTheAudio()
    {
        var questions = TinySetup.Questions(perLevel: 2);
        var options = new AudioThinker.Grpo.Options.SftOptions { Steps = 0, TextSteps = 1 };
        using var trainer = new SftTrainer(TinySetup.Session(questions), options, questions, seed: 1, new TrainerOutput(TinySetup.TempDir("sft-text")));
        for (var i = 0; i < questions.Count; i++)
        {
            var demo = trainer.TextDemonstrationFor(i);
            Assert.Null(demo.Prompt.Prompt.Audio);
            Assert.Null(demo.Prompt.Question.Audio);
            Assert.Equal("think", demo.Prompt.Template.Name);
            Assert.Contains($"{SftTrainer.HeardFacts(questions[i].ReferenceReasoning!)} {questions[i].Question}", demo.Prompt.Prompt.User, StringComparison.Ordinal);
            Assert.Equal($"<think>{questions[i].ReferenceReasoning}</think><answer>{questions[i].Answer}</answer>", demo.Response);
            Assert.True(demo.Thinks);
        }
    }

    [Fact]
    public void HeardFactsAreTheSentencesReadOffTheAudio()
    {
        Assert.Equal("sequence: high low high.", SftTrainer.HeardFacts("sequence: high low high. high beeps: 2. 2 is even, so the answer is even."));
        Assert.Equal("first beep pitch: low. second beep pitch: high. third beep pitch: low.",
            SftTrainer.HeardFacts("first beep pitch: low. second beep pitch: high. third beep pitch: low. so the answer is second."));
        Assert.Equal("sequence: loud high, quiet low.", SftTrainer.HeardFacts("sequence: loud high, quiet low. loud high beeps: 1. so the answer is 1."));
        Assert.Equal("", SftTrainer.HeardFacts("beeps: 3. so the answer is 3."));
    }

    [Fact]
    public void TheTextStageRunsBeforeTheWarmUpAndLearnsTheWrittenChains()
    {
        var questions = TinySetup.Questions(perLevel: 2);
        var options = new AudioThinker.Grpo.Options.SftOptions { Steps = 2, TextSteps = 30, BatchSize = 6, LearningRate = 2e-3, WarmupSteps = 2 };
        using var trainer = new SftTrainer(TinySetup.Session(questions), options, questions, seed: 1, new TrainerOutput(TinySetup.TempDir("sft-text-run")));
        var summary = trainer.Run();
        var phases = summary.Metrics.Select(m => m.Phase).ToList();
        Assert.Equal([.. Enumerable.Repeat("sft-text", 30), "sft", "sft"], phases);
        var text = summary.Metrics.Where(m => m.Phase == "sft-text").Select(m => m.Values["sft/text_loss"]).ToList();
        // Six questions' chains, written without their audio: the loss must fall well below its start.
        Assert.True(text.TakeLast(3).Average() < 0.6 * text.Take(3).Average(), $"text loss {text[0]:F3} → {text[^1]:F3}");
        Assert.All(summary.Metrics.Where(m => m.Phase == "sft"), m => Assert.True(m.Values.ContainsKey("sft/loss")));
    }

    [Fact]
    public void NegativeTextStepsAreAnErrorNamingTheKey()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("exp").FullName, "experiment.yaml");
        File.WriteAllText(path, """
            sft:
              textSteps: -3
            """);
        var e = Assert.Throws<ExperimentConfigurationException>(() => Experiment.Load(path));
        Assert.Contains("sft.textSteps: must be >= 0", e.Errors);
    }
}

public class RuntimeSettingsTests
{
    [Fact]
    public void BackgroundGarbageCollectionIsOff()
    {
        // Directory.Build.props turns it off for every project: a background GC can free a TorchSharp temporary Scalar while
        // libtorch still reads it (docs/reliability.md). Batch is the latency mode of a non-concurrent workstation GC.
        Assert.Equal(System.Runtime.GCLatencyMode.Batch, System.Runtime.GCSettings.LatencyMode);
    }
}
