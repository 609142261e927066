using AudioThinker.Abstractions;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Generation;

/// <summary>
/// Batched autoregressive generation. Prompts are left-padded to a common length so every row's next token is
/// predicted at the same column; position ids count only real tokens (transformers' <c>cumsum(mask) − 1</c>), so a
/// padded row generates what it would alone. With the KV cache (default) the prompt is run once and each step feeds
/// one token per row into a cache preallocated for prompt + <see cref="GenerationOptions.MaxNewTokens"/>; without it
/// every step re-runs the whole sequence (the reference the cache is checked against, and the benchmark's baseline).
/// </summary>
public sealed class TextGenerator
{
    private readonly ICausalLanguageModel _model;
    private readonly ITextTokenizer? _tokenizer;
    private readonly HashSet<int> _eos;
    private readonly int _pad;
    private readonly Generator _generator;

    /// <summary>Creates a generator.</summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">Decodes completions for stop strings and supplies EOS and padding ids; may be null when
    /// <paramref name="eosTokenIds"/> and <paramref name="padTokenId"/> are given and no stop strings are used.</param>
    /// <param name="eosTokenIds">End-of-sequence ids (default: the tokenizer's).</param>
    /// <param name="padTokenId">Left-padding id (default: the tokenizer's).</param>
    /// <param name="seed">Seed of the generator used when <see cref="GenerationOptions.Seed"/> is null (default: random).</param>
    public TextGenerator(ICausalLanguageModel model, ITextTokenizer? tokenizer, IReadOnlyList<int>? eosTokenIds = null, int? padTokenId = null, long? seed = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer;
        var eos = eosTokenIds ?? tokenizer?.EosTokenIds
            ?? throw new ArgumentException("no tokenizer and no EOS ids: pass eosTokenIds (an empty list for none)", nameof(eosTokenIds));
        _eos = eos.ToHashSet();
        _pad = padTokenId ?? tokenizer?.PadTokenId
            ?? throw new ArgumentException("no tokenizer and no padding id: pass padTokenId", nameof(padTokenId));
        _generator = new Generator((ulong)(seed ?? Random.Shared.NextInt64()), model.Device);
    }

    /// <summary>Re-run the whole sequence at every step instead of using the KV cache (slow; for checks and benchmarks).</summary>
    public bool DisableKvCache { get; init; }

    /// <summary>Generates a continuation of each prompt.</summary>
    /// <param name="promptTokenIds">One token list per row (each non-empty).</param>
    /// <param name="options">Sampling settings (temperature 0 is greedy).</param>
    /// <param name="audio">Audio clips for the prompts' <c>&lt;|AUDIO|&gt;</c> placeholders, if any.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<IReadOnlyList<int>> promptTokenIds, GenerationOptions options,
        AudioInput? audio = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promptTokenIds);
        TokenSampler.Validate(options);
        if (promptTokenIds.Count == 0)
        {
            return [];
        }
        for (var i = 0; i < promptTokenIds.Count; i++)
        {
            if (promptTokenIds[i].Count == 0)
            {
                throw new ArgumentException($"prompt {i} is empty", nameof(promptTokenIds));
            }
        }
        StopStringMatcher? stops = null;
        if (options.StopStrings.Count > 0)
        {
            if (_tokenizer is null)
            {
                throw new ArgumentException("stop strings need a tokenizer to decode completions; pass one or set StopStrings = []", nameof(options));
            }
            stops = new StopStringMatcher(_tokenizer, options.StopStrings);
        }
        var generator = options.Seed is { } seed ? new Generator((ulong)seed, _model.Device) : _generator;
        try
        {
            var wasTraining = _model.Module.training;
            _model.Module.eval();
            try
            {
                using var noGrad = torch.no_grad();
                return Run(promptTokenIds, options, audio, stops, generator, cancellationToken);
            }
            finally
            {
                _model.Module.train(wasTraining);
            }
        }
        finally
        {
            if (!ReferenceEquals(generator, _generator))
            {
                generator.Dispose();
            }
        }
    }

    private IReadOnlyList<GeneratedSequence> Run(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, AudioInput? audio,
        StopStringMatcher? stops, Generator generator, CancellationToken cancellationToken)
    {
        var batch = prompts.Count;
        var promptLength = prompts.Max(p => p.Count);
        var capacity = promptLength + options.MaxNewTokens;
        var device = _model.Device;

        // Left-padded ids and the mask over every position the sequence can reach.
        var ids = new long[batch * capacity];
        var mask = new long[batch * capacity];
        for (var b = 0; b < batch; b++)
        {
            var offset = promptLength - prompts[b].Count;
            for (var t = 0; t < capacity; t++)
            {
                ids[b * capacity + t] = _pad;
            }
            for (var t = 0; t < prompts[b].Count; t++)
            {
                ids[b * capacity + offset + t] = prompts[b][t];
                mask[b * capacity + offset + t] = 1;
            }
        }

        var tokens = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var logProbs = Enumerable.Range(0, batch).Select(_ => new List<float>()).ToArray();
        var reasons = new FinishReason?[batch];
        var nextPositions = new long[batch];
        for (var b = 0; b < batch; b++)
        {
            nextPositions[b] = prompts[b].Count;
        }

        using var cache = DisableKvCache ? null : _model.CreateCache(batch, capacity);
        for (var step = 0; step < options.MaxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var length = promptLength + step;
            var attention = torch.tensor(mask, [batch, capacity], ScalarType.Int64, device).narrow(1, 0, length);
            Tensor hidden;
            if (cache is null || step == 0)
            {
                // A full pass over the prompt and, uncached, over everything generated so far (embedded as plain
                // tokens: only the prompt's placeholders take audio).
                var all = torch.tensor(ids, [batch, capacity], ScalarType.Int64, device);
                var embeds = _model.Embed(all.narrow(1, 0, promptLength), audio);
                if (step > 0)
                {
                    embeds = torch.cat([embeds, _model.EmbedTokens(all.narrow(1, promptLength, step))], 1);
                }
                hidden = _model.Decode(embeds, attention, AttentionMasks.PositionIds(attention), cache).narrow(1, length - 1, 1);
            }
            else
            {
                var last = new long[batch];
                var positions = new long[batch];
                for (var b = 0; b < batch; b++)
                {
                    last[b] = ids[b * capacity + length - 1];
                    positions[b] = nextPositions[b] - 1;
                }
                var embeds = _model.EmbedTokens(torch.tensor(last, [batch, 1], ScalarType.Int64, device));
                hidden = _model.Decode(embeds, attention, torch.tensor(positions, [batch, 1], ScalarType.Int64, device), cache);
            }
            var logits = _model.Logits(hidden).squeeze(1);

            var (sampled, sampledLogProbs) = TokenSampler.Sample(logits, options, generator);
            for (var b = 0; b < batch; b++)
            {
                if (reasons[b] is not null)
                {
                    continue; // finished rows keep feeding padding that nothing reads
                }
                var token = (int)sampled[b];
                tokens[b].Add(token);
                logProbs[b].Add(sampledLogProbs[b]);
                ids[b * capacity + length] = token;
                mask[b * capacity + length] = 1;
                nextPositions[b]++;
                if (_eos.Contains(token))
                {
                    reasons[b] = FinishReason.EndOfSequence;
                }
                else if (stops is not null && stops.Matches(tokens[b]))
                {
                    reasons[b] = FinishReason.StopString;
                }
            }
            if (reasons.All(r => r is not null))
            {
                break;
            }
        }
        return Enumerable.Range(0, batch)
            .Select(b => new GeneratedSequence(tokens[b], logProbs[b], reasons[b] ?? FinishReason.Length))
            .ToList();
    }
}
