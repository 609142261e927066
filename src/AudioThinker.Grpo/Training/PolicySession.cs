using AudioThinker.Abstractions;
using AudioThinker.Policies.Lora;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Policy;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Tokenization;
using AudioThinker.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Grpo.Training;

/// <summary>A question under a prompt template: what the trainers hand to the policy.</summary>
/// <param name="Question">The question.</param>
/// <param name="Template">The prompt template.</param>
/// <param name="Prompt">The chat prompt (system, user text, audio) the template makes of it.</param>
public sealed record EncodedPrompt(AudioQuestion Question, PromptTemplate Template, PolicyPrompt Prompt);

/// <summary>
/// What the trainers do with a model, on top of <see cref="Qwen2AudioPolicy"/> (which renders the chat format, sizes the
/// <c>&lt;|AUDIO|&gt;</c> run and computes the features): generate completions, and compute the completion log-probabilities
/// of exactly the inputs generation saw.
/// </summary>
public sealed class PolicySession
{
    private readonly Qwen2AudioPolicy _policy;
    private readonly bool _adaptersOff;

    /// <summary>Creates a session over a model and its tokenizer.</summary>
    /// <param name="model">The policy (Qwen2-Audio for audio questions, or a text-only decoder).</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="audioBaseDirectory">Where relative audio paths are resolved (the dataset file's folder).</param>
    public PolicySession(ICausalLanguageModel model, ITextTokenizer tokenizer, string? audioBaseDirectory = null)
        : this(model, tokenizer, new Qwen2AudioPolicy(model, tokenizer, new PolicyOptions { AudioBaseDirectory = audioBaseDirectory }), adaptersOff: false)
    {
    }

    private PolicySession(ICausalLanguageModel model, ITextTokenizer tokenizer, Qwen2AudioPolicy policy, bool adaptersOff)
    {
        Model = model;
        Tokenizer = tokenizer;
        _policy = policy;
        _adaptersOff = adaptersOff;
    }

    /// <summary>The same model with its LoRA adapters switched off while this session computes: the base model, GRPO's KL
    /// reference under LoRA at no extra memory.</summary>
    /// <exception cref="InvalidOperationException">The model has no adapter.</exception>
    public PolicySession WithAdaptersDisabled()
    {
        if (!LoraAdapters.HasAdapters(Model.Module))
        {
            throw new InvalidOperationException("the model has no LoRA adapter to switch off");
        }
        return new PolicySession(Model, Tokenizer, _policy, adaptersOff: true);
    }

    private IDisposable? AdapterScope() => _adaptersOff ? LoraAdapters.Disable(Model.Module) : null;

    /// <summary>The model.</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>The tokenizer.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>The question as the template asks it.</summary>
    public EncodedPrompt Encode(AudioQuestion question, PromptTemplate template) => new(question, template, PromptBuilder.ToPolicyPrompt(question, template));

    /// <summary>Generates one completion per prompt.</summary>
    public IReadOnlyList<Completion> Generate(IReadOnlyList<EncodedPrompt> prompts, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = torch.NewDisposeScope();
        using var adapters = AdapterScope();
        return _policy.Generate(prompts.Select(p => p.Prompt).ToList(), options, cancellationToken);
    }

    /// <summary>Greedy answers to <paramref name="questions"/> under <paramref name="template"/>, in order,
    /// <paramref name="batchSize"/> at a time (each chunk with its completions): how every evaluation answers.</summary>
    public IEnumerable<(IReadOnlyList<AudioQuestion> Questions, IReadOnlyList<Completion> Completions)> AnswerGreedily(IReadOnlyList<AudioQuestion> questions,
        PromptTemplate template, int maxNewTokens, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var options = new GenerationOptions { MaxNewTokens = maxNewTokens, Temperature = 0, Seed = 0 };
        for (var start = 0; start < questions.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = questions.Skip(start).Take(batchSize).ToList();
            yield return (chunk, Generate(chunk.Select(q => Encode(q, template)).ToList(), options, cancellationToken));
        }
    }

    /// <summary>Per-token log-probabilities of <paramref name="completions"/> after <paramref name="prompts"/>: [B, C] and the
    /// completion mask [B, C]. Gradients flow unless called under <c>torch.no_grad()</c>.</summary>
    public (Tensor LogProbs, Tensor Mask) LogProbs(IReadOnlyList<EncodedPrompt> prompts, IReadOnlyList<IReadOnlyList<int>> completions, double temperature = 1.0)
    {
        using var scope = torch.NewDisposeScope();
        using var adapters = AdapterScope();
        var prepared = _policy.Prepare(prompts.Select(p => p.Prompt).ToList());
        try
        {
            var batch = SequenceBatch.Create(prepared.TokenIds, completions, Tokenizer.PadTokenId, Model.Device);
            var logProbs = TokenLogProbs.Compute(Model, batch, prepared.Audio, temperature);
            return (logProbs.MoveToOuterDisposeScope(), batch.CompletionMask.MoveToOuterDisposeScope());
        }
        finally
        {
            prepared.Audio?.InputFeatures.Dispose();
            prepared.Audio?.FeatureAttentionMask.Dispose();
        }
    }

    /// <summary>The token ids of a response text followed by the end-of-turn token, as the model should emit it.</summary>
    public IReadOnlyList<int> ResponseTokens(string response)
    {
        var ids = Tokenizer.Encode(response).ToList();
        ids.Add(Tokenizer.TokenToId(Qwen2AudioChatFormat.ImEnd) ?? Tokenizer.EosTokenIds[0]);
        return ids;
    }
}
