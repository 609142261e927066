using AudioThinker.Grpo.Composition;
using AudioThinker.Grpo.Configuration;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.ML;

namespace AudioThinker.Grpo.MlNet;

/// <summary>
/// The ML.NET face of the GRPO trainer. <see cref="Fit"/> reads the questions of a data view (audio path, question, choices,
/// answer, optional difficulty), builds the tokenizer and model of <see cref="GrpoEstimatorOptions.Experiment"/>, runs its
/// supervised warm-up (when <c>sft.steps</c> &gt; 0) and GRPO, and returns an <see cref="AudioThinkerTransformer"/> that answers
/// questions with the trained policy.
/// </summary>
public sealed class GrpoEstimator : IEstimator<AudioThinkerTransformer>
{
    private readonly MLContext _context;
    private readonly GrpoEstimatorOptions _options;

    internal GrpoEstimator(MLContext context, GrpoEstimatorOptions options)
    {
        _context = context;
        _options = options;
        var errors = options.Experiment.Validate().Where(e => !e.StartsWith("data", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0)
        {
            throw new ExperimentConfigurationException("GrpoEstimatorOptions.Experiment", errors);
        }
    }

    /// <summary>Trains on the questions of <paramref name="input"/>.</summary>
    public AudioThinkerTransformer Fit(IDataView input)
    {
        var o = _options.Experiment;
        TorchRuntime.Initialize(new DeviceOptions { Device = o.Device, CpuThreads = o.Threads });
        var questions = DataViewQuestions.Read(input, _options, requireAnswer: true);
        if (questions.Count == 0)
        {
            throw new ArgumentException("the data view has no rows", nameof(input));
        }
        var experiment = new Experiment("ML.NET GrpoEstimator", o, WithRewards(_options.Rewards));
        var runner = new ExperimentRunner(experiment, _options.Services);
        var data = new ExperimentData(questions, [], null);
        var tokenizer = runner.CreateTokenizer(data);
        var model = runner.CreateModel(tokenizer);
        var session = new PolicySession(model, tokenizer);
        var folder = Path.GetFullPath(o.Output.Dir);
        if (o.Sft.Steps > 0)
        {
            using var sft = new SftTrainer(session, o.Sft, questions, o.Seed, TrainerOutput.From(o.Output, Path.Combine(folder, "sft")));
            sft.Run();
        }
        var template = PromptTemplates.Get(o.Prompt);
        if (o.Grpo.Steps > 0)
        {
            runner.TrainGrpoAsync(session, data, template, Path.Combine(folder, "grpo"), resume: false, CancellationToken.None).GetAwaiter().GetResult();
        }
        var modelDir = Path.Combine(folder, "model");
        ModelStore.Save(model, tokenizer, modelDir);
        return AudioThinkerTransformer.Create(_context, input, modelDir, template.Name, _options.MaxNewTokens, _options);
    }

    private static IConfiguration WithRewards(IConfiguration? rewards)
    {
        var pairs = rewards?.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null)
            .Select(kv => new KeyValuePair<string, string?>("rewards:" + kv.Key, kv.Value)) ?? [];
        return new ConfigurationBuilder().AddInMemoryCollection(pairs).Build();
    }

    /// <summary>The output schema: the input columns plus Response, PredictedAnswer, Thought (text) and Thinking (boolean).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        _context.Transforms.CustomMapping<PolicyInput, PolicyOutput>((_, _) => { }, AudioThinkerTransformer.ContractName, AudioThinkerTransformer.InputDefinition(_options))
            .GetOutputSchema(inputSchema);
}
