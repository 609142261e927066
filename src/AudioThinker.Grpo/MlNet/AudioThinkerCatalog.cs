using System.IO.Compression;
using AudioThinker.Grpo.Options;
using Microsoft.ML;

namespace AudioThinker.Grpo.MlNet;

/// <summary>AudioThinker's entry in an <see cref="MLContext"/>: <c>mlContext.AudioThinker().Grpo(options)</c>.</summary>
public sealed class AudioThinkerCatalog
{
    internal AudioThinkerCatalog(MLContext context) => Context = context;

    /// <summary>The ML.NET context.</summary>
    public MLContext Context { get; }

    /// <summary>An estimator whose <c>Fit</c> warms up (optionally) and GRPO-trains a policy on the data view's questions.</summary>
    public GrpoEstimator Grpo(GrpoEstimatorOptions options) => new(Context, options);

    /// <summary>Saves a trained policy (or a pipeline ending in one) as an ML.NET model zip, with the policy's files inside.</summary>
    public void Save(ITransformer model, DataViewSchema inputSchema, string path)
    {
        var policy = model as AudioThinkerTransformer
                     ?? (model as IEnumerable<ITransformer>)?.OfType<AudioThinkerTransformer>().LastOrDefault()
                     ?? throw new ArgumentException("the model holds no AudioThinker policy", nameof(model));
        Context.Model.Save(model, inputSchema, path);
        policy.AppendTo(path);
    }

    /// <summary>Loads a model written by <see cref="Save"/>: unpacks the policy's files next to it, then lets ML.NET read the rest.</summary>
    public ITransformer Load(string path, out DataViewSchema inputSchema)
    {
        var dir = Path.GetFullPath(path) + ".policy";
        Directory.CreateDirectory(dir);
        string template = "adaptive";
        var maxNewTokens = 128;
        using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
        {
            var entries = zip.Entries.Where(e => e.FullName.StartsWith("AudioThinker/", StringComparison.Ordinal)).ToList();
            if (entries.Count == 0)
            {
                throw new InvalidDataException($"{path}: no AudioThinker/ entries; was it written by mlContext.AudioThinker().Save?");
            }
            foreach (var e in entries)
            {
                e.ExtractToFile(Path.Combine(dir, e.Name), overwrite: true);
            }
            using var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "policy.json")));
            template = settings.RootElement.GetProperty("template").GetString() ?? template;
            maxNewTokens = settings.RootElement.GetProperty("maxNewTokens").GetInt32();
        }
        Context.ComponentCatalog.RegisterAssembly(typeof(AudioThinkerTransformer).Assembly);
        using (PolicyMappingFactory.Loading(dir, template, maxNewTokens))
        {
            return Context.Model.Load(path, out inputSchema);
        }
    }
}

/// <summary>Adds <see cref="AudioThinkerCatalog"/> to <see cref="MLContext"/>.</summary>
public static class MLContextExtensions
{
    /// <summary>AudioThinker's estimators.</summary>
    public static AudioThinkerCatalog AudioThinker(this MLContext context) => new(context);
}

/// <summary>Options of <see cref="GrpoEstimator"/>: the experiment (model, warm-up, GRPO, output) and the column names.</summary>
public sealed class GrpoEstimatorOptions
{
    /// <summary>The experiment settings; its <c>data</c> section is ignored (the data view is the data). Default: the paper's GRPO
    /// settings on the <c>tiny</c> preset.</summary>
    public ExperimentOptions Experiment { get; set; } = new();

    /// <summary>The <c>rewards</c> configuration (null: the paper's Eq. 7 with the rule-based judge).</summary>
    public Microsoft.Extensions.Configuration.IConfiguration? Rewards { get; set; }

    /// <summary>A service provider with the user's own rewards and judges registered (null: composed from <see cref="Rewards"/>).</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>Column with the audio file path (text). Default <c>AudioPath</c>.</summary>
    public string AudioPathColumn { get; set; } = "AudioPath";

    /// <summary>Column with the question text. Default <c>Question</c>.</summary>
    public string QuestionColumn { get; set; } = "Question";

    /// <summary>Column with the choices: a text vector, or one text with choices separated by <c>|</c>. Default <c>Choices</c>.</summary>
    public string ChoicesColumn { get; set; } = "Choices";

    /// <summary>Column with the right answer (text). Default <c>Answer</c>.</summary>
    public string AnswerColumn { get; set; } = "Answer";

    /// <summary>Optional difficulty column (easy, medium, hard). Default <c>Difficulty</c> (ignored when absent).</summary>
    public string DifficultyColumn { get; set; } = "Difficulty";

    /// <summary>Most new tokens when the trained transformer answers. Default 128.</summary>
    public int MaxNewTokens { get; set; } = 128;
}
