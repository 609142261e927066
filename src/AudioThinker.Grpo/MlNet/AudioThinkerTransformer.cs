using System.IO.Compression;
using AudioThinker.Abstractions;
using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Runtime;
using AudioThinker.Rewards.Parsing;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace AudioThinker.Grpo.MlNet;

/// <summary>The columns the policy reads from each row (their names in the data view are configurable).</summary>
public sealed class PolicyInput
{
    /// <summary>The audio file.</summary>
    public string AudioPath { get; set; } = "";

    /// <summary>The question.</summary>
    public string Question { get; set; } = "";

    /// <summary>The options.</summary>
    public string[] Choices { get; set; } = [];
}

/// <summary>The columns the policy adds to each row.</summary>
public sealed class PolicyOutput
{
    /// <summary>The whole response.</summary>
    public string Response { get; set; } = "";

    /// <summary>The content of its <c>&lt;answer&gt;</c> (empty when the format is invalid).</summary>
    public string PredictedAnswer { get; set; } = "";

    /// <summary>The content of its <c>&lt;think&gt;</c> (empty when it answered directly).</summary>
    public string Thought { get; set; } = "";

    /// <summary>Whether it thought.</summary>
    public bool Thinking { get; set; }
}

/// <summary>Answers one row at a time with a model folder's policy (greedy decoding).</summary>
internal sealed class PolicyMapper(string modelDirectory, string template, int maxNewTokens)
{
    private readonly object _gate = new();
    private PolicySession? _session;
    private int _rows;

    public void Map(PolicyInput input, PolicyOutput output)
    {
        lock (_gate) // one model, one generation at a time; ML.NET may call from several cursors
        {
            if (_session is null)
            {
                TorchRuntime.Initialize();
                var (model, tokenizer) = ModelStore.Load(modelDirectory);
                _session = new PolicySession(model, tokenizer);
            }
            var q = new AudioQuestion($"mlnet-{_rows++}", string.IsNullOrWhiteSpace(input.AudioPath) ? null : new AudioReference(input.AudioPath), input.Question,
                input.Choices ?? [], "");
            var text = _session.AnswerGreedily([q], PromptTemplates.Get(template), maxNewTokens, batchSize: 1).Single().Completions[0].Text;
            var parsed = TaggedResponseParser.Instance.Parse(text);
            output.Response = text;
            output.PredictedAnswer = parsed.Answer ?? "";
            output.Thought = parsed.Thought ?? "";
            output.Thinking = parsed.Mode == ResponseMode.Think;
        }
    }
}

/// <summary>
/// Lets ML.NET rebuild the policy mapping when it loads a saved model. The model folder comes from
/// <see cref="AudioThinkerCatalog.Load"/>, which unpacks it from the saved zip just before ML.NET asks for the mapping.
/// </summary>
[CustomMappingFactoryAttribute(AudioThinkerTransformer.ContractName)]
public sealed class PolicyMappingFactory : CustomMappingFactory<PolicyInput, PolicyOutput>
{
    [ThreadStatic]
    private static (string Directory, string Template, int MaxNewTokens)? _loading;

    internal static IDisposable Loading(string directory, string template, int maxNewTokens)
    {
        _loading = (directory, template, maxNewTokens);
        return new Reset();
    }

    /// <inheritdoc />
    public override Action<PolicyInput, PolicyOutput> GetMapping()
    {
        var l = _loading ?? throw new InvalidOperationException("load AudioThinker models with mlContext.AudioThinker().Load(path, out schema)");
        return new PolicyMapper(l.Directory, l.Template, l.MaxNewTokens).Map;
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => _loading = null;
    }
}

/// <summary>
/// A trained policy as an ML.NET transformer: it keeps every input column and adds <c>Response</c>, <c>PredictedAnswer</c>,
/// <c>Thought</c> and <c>Thinking</c>. It is an ML.NET custom mapping underneath, so it composes in pipelines and
/// <see cref="AudioThinkerCatalog.Save"/> writes a normal ML.NET model zip with the policy's files (config, weights,
/// tokenizer) added under <c>AudioThinker/</c>.
/// </summary>
public sealed class AudioThinkerTransformer : ITransformer
{
    /// <summary>The custom-mapping contract name.</summary>
    public const string ContractName = "AudioThinkerPolicy";

    internal static readonly string[] ModelFiles = ["config.json", "model.safetensors", "compact_tokenizer.json"];
    private readonly ITransformer _inner;

    internal AudioThinkerTransformer(ITransformer inner, string modelDirectory, string template, int maxNewTokens)
    {
        _inner = inner;
        ModelDirectory = modelDirectory;
        Template = template;
        MaxNewTokens = maxNewTokens;
    }

    /// <summary>The folder holding the model's files.</summary>
    public string ModelDirectory { get; }

    /// <summary>The prompt template it answers with.</summary>
    public string Template { get; }

    /// <summary>Most new tokens per answer.</summary>
    public int MaxNewTokens { get; }

    /// <summary>The ML.NET transformer underneath (what <c>mlContext.Model.Save</c> writes).</summary>
    public ITransformer Inner => _inner;

    /// <summary>Builds the transformer over a model folder, reading the configured column names.</summary>
    internal static AudioThinkerTransformer Create(MLContext context, IDataView input, string modelDirectory, string template, int maxNewTokens,
        GrpoEstimatorOptions columns)
    {
        var mapper = new PolicyMapper(modelDirectory, template, maxNewTokens);
        var estimator = context.Transforms.CustomMapping<PolicyInput, PolicyOutput>(mapper.Map, ContractName, InputDefinition(columns));
        return new AudioThinkerTransformer(estimator.Fit(input), modelDirectory, template, maxNewTokens); // a mapping: Fit reads no rows
    }

    /// <summary>The input class mapped onto the configured column names.</summary>
    internal static SchemaDefinition InputDefinition(GrpoEstimatorOptions columns)
    {
        var input = SchemaDefinition.Create(typeof(PolicyInput));
        input[nameof(PolicyInput.AudioPath)].ColumnName = columns.AudioPathColumn;
        input[nameof(PolicyInput.Question)].ColumnName = columns.QuestionColumn;
        input[nameof(PolicyInput.Choices)].ColumnName = columns.ChoicesColumn;
        return input;
    }

    /// <inheritdoc />
    public bool IsRowToRowMapper => _inner.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _inner.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _inner.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => _inner.Transform(input);

    /// <inheritdoc />
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_inner).Save(ctx);

    /// <summary>Appends the model's files and settings to an ML.NET model zip.</summary>
    internal void AppendTo(string zipPath)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        foreach (var file in ModelFiles)
        {
            var path = Path.Combine(ModelDirectory, file);
            if (File.Exists(path))
            {
                zip.CreateEntryFromFile(path, "AudioThinker/" + file);
            }
        }
        var entry = zip.CreateEntry("AudioThinker/policy.json");
        using var writer = new StreamWriter(entry.Open());
        writer.Write(System.Text.Json.JsonSerializer.Serialize(new { template = Template, maxNewTokens = MaxNewTokens }));
    }
}
