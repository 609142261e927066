using System.Collections.Concurrent;
using AudioThinker.Abstractions;
using AudioThinker.Data.Audio;
using AudioThinker.Data.Features;
using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Generation;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Tokenization;
using AudioThinker.Policies.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Grpo.Training;

/// <summary>A question made ready for the model: its prompt token ids and its audio features.</summary>
/// <param name="Question">The question.</param>
/// <param name="Template">The prompt template used.</param>
/// <param name="TokenIds">The prompt's token ids, ending with the generation prompt.</param>
/// <param name="Features">The audio's log-mel features (null for text-only prompts).</param>
public sealed record EncodedPrompt(AudioQuestion Question, PromptTemplate Template, IReadOnlyList<int> TokenIds, LogMelFeatures? Features);

/// <summary>
/// Everything the trainers do with a model: turn questions into prompts (chat template, <c>&lt;|AUDIO|&gt;</c> run sized
/// from the clip, log-mel features), generate, and compute completion log-probabilities. Encoded prompts are cached by
/// question id and template, since every GRPO step and epoch meets the same questions again.
/// </summary>
public sealed class PolicySession
{
    private readonly ConcurrentDictionary<(string, string), EncodedPrompt> _cache = new();
    private readonly WhisperFeatureExtractor? _features;
    private readonly AudioLoader _audio = new();
    private readonly PromptBuilder _prompts;

    /// <summary>Creates a session over a model and its tokenizer.</summary>
    /// <param name="model">The policy (Qwen2-Audio for audio questions, or a text-only decoder).</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="audioBaseDirectory">Where relative audio paths are resolved (the dataset file's folder).</param>
    public PolicySession(ICausalLanguageModel model, ITextTokenizer tokenizer, string? audioBaseDirectory = null)
    {
        Model = model;
        Tokenizer = tokenizer;
        AudioBaseDirectory = audioBaseDirectory;
        _prompts = new PromptBuilder(tokenizer);
        if (model is Qwen2AudioForConditionalGeneration audioModel)
        {
            // The encoder's window: max_source_positions positions after the stride-2 conv, i.e. twice as many mel frames.
            var frames = audioModel.Config.Audio.MaxSourcePositions * 2;
            _features = new WhisperFeatureExtractor(new WhisperFeatureOptions
            {
                MelBins = audioModel.Config.Audio.NumMelBins,
                ChunkSeconds = frames * 160 / 16000.0,
            });
        }
    }

    /// <summary>The model.</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>The tokenizer.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>Folder against which relative audio paths are resolved.</summary>
    public string? AudioBaseDirectory { get; set; }

    /// <summary>Prompt tokens and audio features of a question (cached).</summary>
    public EncodedPrompt Encode(AudioQuestion question, PromptTemplate template) =>
        _cache.GetOrAdd((question.Id, template.Name), _ => EncodeUncached(question, template));

    private EncodedPrompt EncodeUncached(AudioQuestion question, PromptTemplate template)
    {
        LogMelFeatures? features = null;
        var audioTokens = 0;
        if (question.Audio is not null)
        {
            if (_features is null)
            {
                throw new InvalidOperationException($"question '{question.Id}' has audio but the model is text-only");
            }
            var samples = _audio.Load(question.Audio, AudioBaseDirectory);
            if (samples.Length > _features.Options.ChunkSamples)
            {
                samples = samples[.._features.Options.ChunkSamples]; // the encoder's window: longer audio is cut, as Whisper does
            }
            features = _features.Extract(samples);
            audioTokens = Qwen2AudioChatFormat.AudioTokenCount(features.ValidFrames);
        }
        var built = _prompts.Build(question, template, audioTokens);
        return new EncodedPrompt(question, template, built.TokenIds, features);
    }

    /// <summary>The audio of a batch of prompts, stacked as the model takes it, or null when none has audio.</summary>
    public AudioInput? AudioOf(IReadOnlyList<EncodedPrompt> prompts)
    {
        var withAudio = prompts.Where(p => p.Features is not null).Select(p => p.Features!).ToList();
        if (withAudio.Count == 0)
        {
            return null;
        }
        var mels = withAudio[0].MelBins;
        var frames = withAudio[0].Frames;
        var values = new float[withAudio.Count * mels * frames];
        var mask = new long[withAudio.Count * frames];
        for (var i = 0; i < withAudio.Count; i++)
        {
            withAudio[i].Values.CopyTo(values, i * mels * frames);
            withAudio[i].Mask().CopyTo(mask, i * frames);
        }
        return new AudioInput(
            torch.tensor(values, [withAudio.Count, mels, frames], ScalarType.Float32, Model.Device).to_type(Model.DType),
            torch.tensor(mask, [withAudio.Count, frames], ScalarType.Int64, Model.Device));
    }

    /// <summary>Generates one completion per prompt.</summary>
    public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<EncodedPrompt> prompts, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new TextGenerator(Model, Tokenizer, seed: options.Seed ?? 0);
        return generator.Generate(prompts.Select(p => p.TokenIds).ToList(), options, AudioOf(prompts), cancellationToken);
    }

    /// <summary>Per-token log-probabilities of <paramref name="completions"/> after <paramref name="prompts"/>: [B, C] and the
    /// completion mask [B, C]. Gradients flow unless called under <c>torch.no_grad()</c>.</summary>
    public (Tensor LogProbs, Tensor Mask) LogProbs(IReadOnlyList<EncodedPrompt> prompts, IReadOnlyList<IReadOnlyList<int>> completions, double temperature = 1.0)
    {
        using var scope = torch.NewDisposeScope();
        var batch = SequenceBatch.Create(prompts.Select(p => p.TokenIds).ToList(), completions, Tokenizer.PadTokenId, Model.Device);
        var logProbs = TokenLogProbs.Compute(Model, batch, AudioOf(prompts), temperature);
        return (logProbs.MoveToOuterDisposeScope(), batch.CompletionMask.MoveToOuterDisposeScope());
    }

    /// <summary>The token ids of a response text followed by the end-of-turn token, as the model should emit it.</summary>
    public IReadOnlyList<int> ResponseTokens(string response)
    {
        var ids = Tokenizer.Encode(response).ToList();
        ids.Add(Tokenizer.TokenToId(Qwen2AudioChatFormat.ImEnd) ?? Tokenizer.EosTokenIds[0]);
        return ids;
    }
}
