using AudioThinker.Abstractions;
using AudioThinker.Grpo.Checkpoints;
using AudioThinker.Grpo.Composition;
using AudioThinker.Grpo.Configuration;
using AudioThinker.Grpo.Options;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Lora;
using AudioThinker.Policies.Prompts;
using AudioThinker.Rewards.DependencyInjection;
using AudioThinker.Rewards.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace AudioThinker.Grpo.Tests;

/// <summary>GRPO on LoRA adapters: only adapters move, checkpoints hold adapters and resume exactly, the saved adapter
/// folder rebuilds the trained model.</summary>
public class LoraGrpoTests
{
    private static readonly LoraConfig Config = new ModelOptions { LoraRank = 4, LoraAlpha = 8, LoraDropout = 0.1 }.ToLoraConfig();

    private static GrpoTrainer Trainer(IReadOnlyList<AudioQuestion> questions, string folder, string baseDir, out PolicySession policy)
    {
        policy = TinySetup.Session(questions, seed: 5);
        LoraAdapters.Apply(policy.Model.Module, Config, seed: 9);
        var options = new GrpoOptions
        {
            Steps = 4,
            QuestionsPerStep = 1,
            GroupSize = 4,
            MaxCompletionTokens = 10,
            LearningRate = 5e-3,
            WarmupSteps = 0,
            Beta = 0.04,
            Temperature = 1.0,
        };
        return new GrpoTrainer(policy, policy.WithAdaptersDisabled(), TinySetup.LengthPipeline(), options, PromptTemplates.Adaptive, questions, seed: 11,
            new TrainerOutput(folder, CheckpointEvery: 2, KeepCheckpoints: 3, SampleEvery: 0), new AdapterTraining(Config, baseDir));
    }

    private static Dictionary<string, float[]> Parameters(PolicySession s, bool adapters) =>
        s.Model.Module.named_parameters().Where(p => p.name.Contains(".lora_", StringComparison.Ordinal) == adapters)
            .ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    [Fact]
    public async Task OnlyAdaptersTrainAndAKilledRunResumesToTheSameAdapters()
    {
        var questions = TinySetup.Questions();
        var baseDir = TinySetup.TempDir("lora-base");
        var initial = TinySetup.Session(questions, seed: 5);
        ModelStore.Save(initial.Model, initial.Tokenizer, baseDir);
        var baseWeights = Parameters(initial, adapters: false);

        var straightFolder = TinySetup.TempDir("lora-straight");
        Dictionary<string, float[]> expected;
        using (var straight = Trainer(questions, straightFolder, baseDir, out var a))
        {
            var summary = await straight.RunAsync();
            Assert.Equal(4, summary.StepsDone);
            // The base weights did not move by a bit; every lora_B left zero (so the adapters changed the model).
            var after = Parameters(a, adapters: false);
            Assert.Equal(baseWeights.Keys.Order(), after.Keys.Order());
            Assert.All(baseWeights, kv => Assert.Equal(kv.Value, after[kv.Key]));
            expected = Parameters(a, adapters: true);
            var bs = expected.Where(kv => kv.Key.EndsWith("lora_B.weight", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(bs);
            Assert.All(bs, kv => Assert.Contains(kv.Value, x => x != 0));
            // The KL to the adapters-off reference is positive once the adapters moved.
            Assert.True(summary.Metrics[^1].Values["kl"] > 0, "KL to the base model after training");

            // The checkpoint holds the adapters (PEFT layout) naming the base folder, and reloads into the trained model.
            var modelDir = Path.Combine(new CheckpointStore(straightFolder).Latest()!, "model");
            Assert.True(File.Exists(Path.Combine(modelDir, LoraAdapters.ConfigFile)));
            Assert.False(File.Exists(Path.Combine(modelDir, "model.safetensors")));
            Assert.Equal(Path.GetFullPath(baseDir), LoraAdapters.BaseModelOf(modelDir));
            var (reloaded, tokenizer) = ModelStore.Load(modelDir);
            var again = new PolicySession(reloaded, tokenizer);
            var prompt = new[] { a.Encode(questions[0], PromptTemplates.Adaptive) };
            IReadOnlyList<IReadOnlyList<int>> completion = [a.ResponseTokens("<answer>x</answer>")];
            using (torch.no_grad())
            {
                var want = a.LogProbs(prompt, completion).LogProbs;
                var got = again.LogProbs(prompt, completion).LogProbs;
                Assert.True((want - got).abs().max().item<float>() < 1e-5, "reloaded adapters compute what the trained model does");
                // ...and the adapters matter: the base model alone computes something else.
                var baseOnly = a.WithAdaptersDisabled().LogProbs(prompt, completion).LogProbs;
                Assert.True((want - baseOnly).abs().max().item<float>() > 1e-4, "the adapters changed the model");
            }

            // A standalone save folds the adapters into the weights.
            var merged = TinySetup.TempDir("lora-merged");
            ModelStore.Save(a.Model, a.Tokenizer, merged);
            var (standalone, _) = ModelStore.Load(merged);
            Assert.DoesNotContain(standalone.Module.named_parameters(), p => p.name.Contains(".lora_", StringComparison.Ordinal));
            using (torch.no_grad())
            {
                var want = a.LogProbs(prompt, completion).LogProbs;
                var got = new PolicySession(standalone, tokenizer).LogProbs(prompt, completion).LogProbs;
                Assert.True((want - got).abs().max().item<float>() < 1e-4, "folded weights compute what base + adapters do");
            }
        }

        var folder = TinySetup.TempDir("lora-killed");
        using (var first = Trainer(questions, folder, baseDir, out _))
        {
            first.StepCompleted += m =>
            {
                if (m.Step == 3)
                {
                    throw new IOException("simulated crash");
                }
            };
            await Assert.ThrowsAsync<IOException>(() => first.RunAsync());
        }
        Assert.EndsWith("step-grpo-000002", new CheckpointStore(folder).Latest());
        using (var resumed = Trainer(questions, folder, baseDir, out var b))
        {
            Assert.True(resumed.TryResume());
            Assert.Equal(2, resumed.Step);
            await resumed.RunAsync();
            var got = Parameters(b, adapters: true);
            Assert.All(expected, kv => Assert.Equal(kv.Value, got[kv.Key]));
        }
    }

    [Fact]
    public async Task ResumingAWholeModelCheckpointWithLoraOnIsAClearError()
    {
        var questions = TinySetup.Questions();
        var folder = TinySetup.TempDir("lora-mismatch");
        var policy = TinySetup.Session(questions, seed: 5);
        var options = new GrpoOptions { Steps = 1, QuestionsPerStep = 1, GroupSize = 2, MaxCompletionTokens = 6, Beta = 0 };
        using (var full = new GrpoTrainer(policy, null, TinySetup.LengthPipeline(), options, PromptTemplates.Adaptive, questions, 11, new TrainerOutput(folder, SampleEvery: 0)))
        {
            await full.RunAsync();
        }
        using var lora = Trainer(questions, folder, folder, out _);
        var e = Assert.Throws<InvalidDataException>(() => lora.TryResume());
        Assert.Contains("holds a whole model", e.Message);
        Assert.Contains("loraRank", e.Message);
    }

    [Fact]
    public async Task AnExperimentWithLoraRankTrainsAdaptersOnTheWarmedUpModelWithoutAReferenceCopy()
    {
        var dir = TinySetup.TempDir("lora-exp");
        var path = Path.Combine(dir, "experiment.yaml");
        File.WriteAllText(path, $"""
            name: lora
            seed: 2
            threads: 1
            model:
              preset: tiny
              loraRank: 4
              loraAlpha: 8
              loraTargets: [q_proj, v_proj]
            data:
              synthetic:
                trainPerLevel: 2
                testPerLevel: 0
                clipSeconds: 2
            sft:
              steps: 4
              batchSize: 4
            grpo:
              steps: 2
              questionsPerStep: 1
              groupSize: 2
              maxCompletionTokens: 8
              beta: 0.04
            output:
              dir: {Path.Combine(dir, "run")}
            """);
        var experiment = Experiment.Load(path);
        var result = await new ExperimentRunner(experiment).RunAsync();
        var run = Path.Combine(dir, "run");
        Assert.Equal(2, result.Grpo!.StepsDone);
        Assert.False(Directory.Exists(Path.Combine(run, "grpo", "reference")), "LoRA's reference is the model with adapters off, not a copy");
        var modelDir = Path.Combine(result.Grpo.LastCheckpoint!, "model");
        var baseDir = LoraAdapters.BaseModelOf(modelDir)!;
        Assert.StartsWith(Path.Combine(run, "sft", "checkpoints"), baseDir);
        var (model, _) = ModelStore.Load(modelDir);
        var adapted = LoraAdapters.Adapted(model.Module).Select(l => l.Path).ToList();
        Assert.Equal(2 * model.TextConfig.NumHiddenLayers, adapted.Count);
        Assert.All(adapted, p => Assert.Matches(@"^language_model\.model\.layers\.\d+\.self_attn\.(q|v)_proj$", p));

        // Resuming a finished run reuses the warm-up and the adapters and takes no more steps.
        var again = await new ExperimentRunner(Experiment.Load(path)).RunAsync(resume: true);
        Assert.Equal(2, again.Grpo!.StepsDone);
    }
}
