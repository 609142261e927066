using AudioThinker.Policies.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Models;

/// <summary>
/// What generation, log-probabilities and training need from a decoder-only model, text-only (Qwen2/Qwen3) or with
/// audio (Qwen2-Audio): the embedding step (where audio is scattered in), the decoder stack, and the output head,
/// kept apart so that log-probabilities can apply the head a chunk at a time.
/// </summary>
public interface ICausalLanguageModel
{
    /// <summary>The text decoder's configuration.</summary>
    DecoderConfig TextConfig { get; }

    /// <summary>The model as a TorchSharp module (parameters, train/eval).</summary>
    nn.Module Module { get; }

    /// <summary>Where the parameters live.</summary>
    Device Device { get; }

    /// <summary>The parameters' dtype.</summary>
    ScalarType DType { get; }

    /// <summary>Token embeddings [batch, seq, hidden] of <paramref name="inputIds"/>, with audio features written over
    /// the audio placeholder positions when <paramref name="audio"/> is given.</summary>
    /// <exception cref="ArgumentException">Audio is given to a text-only model, or placeholders and clips disagree.</exception>
    Tensor Embed(Tensor inputIds, AudioInput? audio = null);

    /// <summary>Plain token embeddings [batch, seq, hidden] with no audio handling (generated tokens, which are never placeholders).</summary>
    Tensor EmbedTokens(Tensor inputIds);

    /// <summary>The decoder stack: final normalised hidden states [batch, seq, hidden].</summary>
    Tensor Decode(Tensor inputsEmbeds, Tensor attentionMask, Tensor positionIds, KvCache? cache = null);

    /// <summary>The output projection's weight [vocab, hidden] (the embedding itself when tied).</summary>
    Tensor OutputWeight { get; }

    /// <summary>Logits [.., vocab] of hidden states [.., hidden].</summary>
    Tensor Logits(Tensor hidden);

    /// <summary>Recompute decoder blocks in the backward pass instead of storing their activations.</summary>
    bool GradientCheckpointing { get; set; }

    /// <summary>A KV cache sized for this model.</summary>
    KvCache CreateCache(long batch, long capacity);
}

/// <summary>Conveniences over <see cref="ICausalLanguageModel"/>.</summary>
public static class CausalLanguageModelExtensions
{
    /// <summary>
    /// A full forward pass, as transformers' <c>model(input_ids, attention_mask, position_ids, ...)</c>: logits
    /// [batch, seq, vocab]. Position ids default to <c>max(cumsum(attention_mask) − 1, 0)</c>.
    /// </summary>
    public static Tensor Forward(this ICausalLanguageModel model, Tensor inputIds, Tensor attentionMask, Tensor? positionIds = null, AudioInput? audio = null)
    {
        using var scope = torch.NewDisposeScope();
        var positions = positionIds ?? AttentionMasks.PositionIds(attentionMask);
        var embeds = model.Embed(inputIds, audio);
        var hidden = model.Decode(embeds, attentionMask, positions);
        return model.Logits(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>Parameters by name (Hugging Face keys).</summary>
    public static IReadOnlyDictionary<string, TorchSharp.Modules.Parameter> NamedParameters(this ICausalLanguageModel model) =>
        model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);

    /// <summary>Number of parameters (a tied head counted once).</summary>
    public static long ParameterCount(this ICausalLanguageModel model) => model.Module.parameters().Sum(p => p.numel());
}
