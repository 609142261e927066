// samples/CustomReward: a reward of your own in a short GRPO run.
//   dotnet run --project samples/CustomReward [-- path/to/experiment.yaml]
// The reward is one class (LengthPenaltyReward), registered with one line, configured and weighted in experiment.yaml.
using AudioThinker.Grpo.Composition;
using AudioThinker.Grpo.Configuration;
using AudioThinker.Rewards.DependencyInjection;
using CustomReward;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "experiment.yaml");
var experiment = Experiment.Load(path);

var services = new ServiceCollection();
services.AddAudioThinker(experiment.Configuration);
// The reward's options come from its own section of the same file; its weight comes from rewards:weights.
services.AddOptions<LengthPenaltyOptions>().Configure(o => experiment.Configuration.GetSection(LengthPenaltyOptions.Section).Bind(o));
services.AddReward<LengthPenaltyReward>(LengthPenaltyReward.RewardName);
using var provider = services.BuildServiceProvider();

var runner = new ExperimentRunner(experiment, provider);
runner.Stage += s => Console.WriteLine($"» {s}");
runner.StepCompleted += m =>
{
    if (m.Phase == "grpo")
    {
        Console.WriteLine($"  grpo step {m.Step}: total {m.Values["reward/total/mean"]:F3}, {LengthPenaltyReward.RewardName} {m.Values[$"reward/{LengthPenaltyReward.RewardName}/mean"]:F3}");
    }
};
var result = await runner.RunAsync();

var grpo = result.Grpo ?? throw new InvalidOperationException($"{path}: grpo.steps is 0, so the reward never ran");
var key = $"reward/{LengthPenaltyReward.RewardName}/mean";
if (grpo.Metrics.Count == 0 || !grpo.Metrics.All(m => m.Values.ContainsKey(key)))
{
    Console.Error.WriteLine($"the custom reward is missing from the metrics ({key})");
    return 1;
}
if (result.Evaluation is { } ev)
{
    Console.WriteLine($"test accuracy {ev.Accuracy():P1}, think rate {ev.ThinkRate():P1} on {ev.Responses.Count} questions");
}
Console.WriteLine($"run folder: {result.RunFolder}");
return 0;
