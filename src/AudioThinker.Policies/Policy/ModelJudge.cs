using AudioThinker.Abstractions;
using AudioThinker.Policies.Generation;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Tokenization;

namespace AudioThinker.Policies.Policy;

/// <summary>
/// An <see cref="IJudge"/> backed by an in-process language model (the paper's judge is Qwen3-8B-Base; any
/// <see cref="ICausalLanguageModel"/> loads): each request is rendered by <see cref="JudgePrompt"/>, answered
/// greedily in a few tokens (batched), and parsed strictly; a reply that does not parse gets
/// <see cref="FallbackScore"/> and <c>Parsed = false</c>.
/// </summary>
public sealed class ModelJudge : IJudge
{
    private readonly ICausalLanguageModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly TextGenerator _generator;

    /// <summary>Creates the judge.</summary>
    /// <param name="model">The judge model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="name">The name it is registered under.</param>
    public ModelJudge(ICausalLanguageModel model, ITextTokenizer tokenizer, string name = "qwen3-local")
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Name = name;
        _generator = new TextGenerator(model, tokenizer, seed: 0);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Wrap prompts in the ChatML user/assistant turns (for instruct judges); false (default) feeds the plain
    /// prompt, as a base model expects.</summary>
    public bool UseChatFormat { get; init; }

    /// <summary>The score given when a reply does not parse (default 0: an unreadable verdict earns nothing).</summary>
    public double FallbackScore { get; init; }

    /// <summary>Requests per generation batch (default 8).</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>Tokens the judge may produce (default 6: a score and a newline).</summary>
    public int MaxNewTokens { get; init; } = 6;

    /// <summary>The text fed to the model for a request.</summary>
    public string PromptText(JudgeRequest request)
    {
        var prompt = JudgePrompt.Render(request);
        return UseChatFormat ? $"<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n" : prompt;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JudgeVerdict>> JudgeAsync(IReadOnlyList<JudgeRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (MaxBatchSize <= 0 || MaxNewTokens <= 0)
        {
            throw new InvalidOperationException($"MaxBatchSize ({MaxBatchSize}) and MaxNewTokens ({MaxNewTokens}) must be positive");
        }
        var options = new GenerationOptions { Temperature = 0, MaxNewTokens = MaxNewTokens, StopStrings = ["\n"] };
        var verdicts = new List<JudgeVerdict>(requests.Count);
        for (var start = 0; start < requests.Count; start += MaxBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slice = requests.Skip(start).Take(MaxBatchSize).ToList();
            var prompts = slice.Select(r => _tokenizer.Encode(PromptText(r))).ToList();
            var outputs = _generator.Generate(prompts, options, cancellationToken: cancellationToken);
            for (var i = 0; i < slice.Count; i++)
            {
                var raw = _tokenizer.Decode(outputs[i].TokenIds, skipSpecialTokens: true);
                var score = JudgePrompt.Parse(raw, slice[i].Kind);
                verdicts.Add(new JudgeVerdict(score ?? FallbackScore, score is not null, raw));
            }
        }
        return Task.FromResult<IReadOnlyList<JudgeVerdict>>(verdicts);
    }
}
