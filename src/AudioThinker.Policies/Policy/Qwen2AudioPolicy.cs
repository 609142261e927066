using AudioThinker.Abstractions;
using AudioThinker.Data.Audio;
using AudioThinker.Data.Features;
using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Generation;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Policy;

/// <summary>
/// <see cref="IPolicy"/> over a TorchSharp model: each prompt is rendered in Qwen2-Audio's chat format by the
/// <see cref="PromptBuilder"/>, its audio decoded (16 kHz mono), turned into Whisper log-mel features sized to the
/// model's encoder window, and its <c>&lt;|AUDIO|&gt;</c> expanded to the clip's token count; the batch is then
/// generated with <see cref="TextGenerator"/> and decoded without special tokens.
/// </summary>
/// <remarks>Audio longer than the encoder's window (30 s for Qwen2-Audio-7B, 4 s for the tiny preset) is cut to it, as
/// the Hugging Face processor does. Not thread-safe: one generation at a time per model.</remarks>
public sealed class Qwen2AudioPolicy : IPolicy
{
    private readonly ICausalLanguageModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly PromptBuilder _prompts;
    private readonly PolicyOptions _options;
    private readonly TextGenerator _generator;
    private readonly AudioLoader _loader = new();
    private readonly WhisperFeatureExtractor? _features;

    /// <summary>Creates the policy.</summary>
    /// <param name="model">Qwen2-Audio, or a text-only model for prompts without audio.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="options">Audio folder, seed, cache.</param>
    /// <param name="promptBuilder">Renders the chat format (default: <c>new PromptBuilder(tokenizer)</c>).</param>
    public Qwen2AudioPolicy(ICausalLanguageModel model, ITextTokenizer tokenizer, PolicyOptions? options = null, PromptBuilder? promptBuilder = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        if (tokenizer.VocabularySize > model.TextConfig.VocabSize)
        {
            throw new ArgumentException(
                $"the tokenizer has {tokenizer.VocabularySize} ids but the model's embedding covers {model.TextConfig.VocabSize}", nameof(tokenizer));
        }
        _options = options ?? new PolicyOptions();
        _prompts = promptBuilder ?? new PromptBuilder(tokenizer);
        _generator = new TextGenerator(model, tokenizer, seed: _options.Seed) { DisableKvCache = !_options.UseKvCache };
        if (model is Qwen2AudioForConditionalGeneration audio)
        {
            AudioConfig = audio.Config.Audio;
            var window = new WhisperFeatureOptions();
            _features = new WhisperFeatureExtractor(window with
            {
                MelBins = AudioConfig.NumMelBins,
                // The encoder takes exactly 2 × max_source_positions frames: the window is that many hops.
                ChunkSeconds = (double)AudioConfig.InputFrames * window.HopLength / window.SampleRate,
            });
        }
    }

    /// <summary>The model.</summary>
    public ICausalLanguageModel Model => _model;

    /// <summary>The tokenizer.</summary>
    public ITextTokenizer Tokenizer => _tokenizer;

    /// <summary>The audio encoder's configuration, or null for a text-only model.</summary>
    public AudioEncoderConfig? AudioConfig { get; }

    /// <inheritdoc />
    public string Name => _options.DisplayName ??
        $"{(_model is Qwen2AudioForConditionalGeneration ? "Qwen2-Audio" : _model.TextConfig.ModelType)} " +
        $"{_model.ParameterCount() / 1e6:F1}M {_model.DType.ToString().ToLowerInvariant()} on {_model.Device.type.ToString().ToLowerInvariant()}";

    /// <summary>Renders, tokenizes and featurizes prompts (the same inputs a training pass must see).</summary>
    /// <exception cref="ArgumentException">A prompt has audio but the model has no audio encoder.</exception>
    public PreparedPrompts Prepare(IReadOnlyList<PolicyPrompt> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        // Decode and featurize each distinct clip once (a GRPO group repeats the same prompt G times).
        var clips = new List<AudioReference>();
        var clipIndex = new Dictionary<AudioReference, int>(ReferenceEqualityComparer.Instance);
        foreach (var prompt in prompts)
        {
            if (prompt.Audio is { } audio && !clipIndex.ContainsKey(audio))
            {
                if (_features is null)
                {
                    throw new ArgumentException($"prompt audio {audio} given to a text-only {_model.TextConfig.ModelType} model");
                }
                clipIndex[audio] = clips.Count;
                clips.Add(audio);
            }
        }
        LogMelBatch? batch = null;
        if (clips.Count > 0)
        {
            var waves = clips.Select(c => _loader.Load(c, _options.AudioBaseDirectory)).ToList();
            batch = _features!.ExtractBatch(waves, _options.FeatureThreads);
        }

        var ids = new List<IReadOnlyList<int>>(prompts.Count);
        var texts = new List<string>(prompts.Count);
        var rowsWithAudio = new List<int>();
        foreach (var prompt in prompts)
        {
            var tokens = 0;
            if (prompt.Audio is { } audio)
            {
                var clip = clipIndex[audio];
                tokens = AudioEncoderConfig.AudioTokenCount(batch!.ValidFrames[clip]);
                rowsWithAudio.Add(clip);
            }
            var built = _prompts.Build(prompt, tokens);
            ids.Add(built.TokenIds);
            texts.Add(built.Text);
        }

        AudioInput? input = null;
        if (batch is not null)
        {
            var frames = batch.Frames;
            var perClip = batch.MelBins * frames;
            var features = new float[rowsWithAudio.Count * perClip];
            var mask = new long[rowsWithAudio.Count * frames];
            for (var r = 0; r < rowsWithAudio.Count; r++)
            {
                Array.Copy(batch.Values, rowsWithAudio[r] * perClip, features, r * perClip, perClip);
                Array.Copy(batch.Mask, rowsWithAudio[r] * frames, mask, r * frames, frames);
            }
            input = new AudioInput(
                torch.tensor(features, [rowsWithAudio.Count, batch.MelBins, frames], device: _model.Device).DetachFromDisposeScope(),
                torch.tensor(mask, [rowsWithAudio.Count, frames], device: _model.Device).DetachFromDisposeScope());
        }
        return new PreparedPrompts(ids, input, texts);
    }

    /// <inheritdoc />
    public IReadOnlyList<Completion> Generate(IReadOnlyList<PolicyPrompt> prompts, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            return [];
        }
        var prepared = Prepare(prompts);
        try
        {
            var sequences = _generator.Generate(prepared.TokenIds, options, prepared.Audio, cancellationToken);
            return sequences.Select(s => new Completion(_tokenizer.Decode(s.TokenIds, skipSpecialTokens: true), s.TokenIds, s.LogProbs, s.Truncated)).ToList();
        }
        finally
        {
            prepared.Audio?.InputFeatures.Dispose();
            prepared.Audio?.FeatureAttentionMask.Dispose();
        }
    }
}
