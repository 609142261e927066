using AudioThinker.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Generation;

/// <summary>
/// Picks the next token of each row from its logits: greedy at temperature 0, else softmax(logits / T) restricted to
/// the top k tokens and then to the smallest set whose probability reaches top_p (Holtzman et al. 2020), in that order
/// (transformers' order). The log-probability reported is that of the unrestricted softmax(logits / T) (T = 1 when
/// greedy): what a training pass over the same tokens at the same temperature computes.
/// </summary>
public static class TokenSampler
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public static void Validate(GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxNewTokens <= 0)
        {
            throw new ArgumentException($"MaxNewTokens must be positive, got {options.MaxNewTokens}", nameof(options));
        }
        if (!double.IsFinite(options.Temperature) || options.Temperature < 0)
        {
            throw new ArgumentException($"Temperature must be a finite number ≥ 0, got {options.Temperature}", nameof(options));
        }
        if (!(options.TopP > 0 && options.TopP <= 1))
        {
            throw new ArgumentException($"TopP must be in (0, 1], got {options.TopP}", nameof(options));
        }
        if (options.TopK < 0)
        {
            throw new ArgumentException($"TopK must be ≥ 0 (0 disables it), got {options.TopK}", nameof(options));
        }
        if (options.StopStrings.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("StopStrings must not contain empty strings", nameof(options));
        }
    }

    /// <summary>Samples one token per row of <paramref name="logits"/> [batch, vocab].</summary>
    /// <returns>The tokens and their log-probabilities.</returns>
    public static (long[] Tokens, float[] LogProbs) Sample(Tensor logits, GenerationOptions options, Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var x = logits.to_type(ScalarType.Float32);
        Tensor tokens;
        Tensor logProbs;
        if (options.Temperature <= 0)
        {
            tokens = x.argmax(-1, keepdim: true);
            logProbs = x.log_softmax(-1).gather(1, tokens);
        }
        else
        {
            var scaled = options.Temperature == 1.0 ? x : x / options.Temperature;
            var full = scaled.log_softmax(-1);
            var kept = Restrict(scaled, options.TopK, options.TopP);
            var probs = kept.softmax(-1);
            tokens = probs.multinomial(1, generator: generator);
            logProbs = full.gather(1, tokens);
        }
        return (tokens.reshape(-1).cpu().data<long>().ToArray(), logProbs.reshape(-1).cpu().data<float>().ToArray());
    }

    /// <summary>Logits with everything outside top-k, then outside the top-p nucleus, set to −∞.</summary>
    public static Tensor Restrict(Tensor scaled, int topK, double topP)
    {
        using var scope = torch.NewDisposeScope();
        var vocab = scaled.shape[^1];
        var kept = scaled;
        if (topK > 0 && topK < vocab)
        {
            var kth = scaled.topk(topK, -1).values.narrow(-1, topK - 1, 1);
            kept = kept.masked_fill(kept.lt(kth), double.NegativeInfinity);
        }
        if (topP < 1.0)
        {
            var (sorted, order) = kept.sort(-1, descending: true);
            var probs = sorted.softmax(-1);
            // Keep a token while the mass ranked above it is below top_p: the smallest set reaching top_p (the top token always stays).
            var before = probs.cumsum(-1) - probs;
            var drop = before.ge(topP);
            var filtered = sorted.masked_fill(drop, double.NegativeInfinity);
            kept = torch.full_like(kept, double.NegativeInfinity).scatter(-1, order, filtered);
        }
        return kept.MoveToOuterDisposeScope();
    }
}
