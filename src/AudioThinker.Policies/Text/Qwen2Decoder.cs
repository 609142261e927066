using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Training;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Text;

/// <summary>
/// The decoder stack of Qwen2/Qwen3 (Hugging Face <c>Qwen2Model</c> / <c>Qwen3Model</c>): <c>embed_tokens</c>,
/// <c>layers.N</c>, the final <c>norm</c>, and RoPE shared by all layers.
/// </summary>
public sealed class Qwen2Decoder : nn.Module
{
    [ComponentName(Name = "embed_tokens")]
    private Layers.Embedding _embedTokens;
    [ComponentName(Name = "layers")]
    private ModuleList<Qwen2DecoderLayer> _layers;
    [ComponentName(Name = "norm")]
    private RmsNorm _norm;
    private readonly RotaryEmbedding _rotary;

    /// <summary>Creates the decoder.</summary>
    public Qwen2Decoder(DecoderConfig config, ParameterFactory factory) : base(nameof(Qwen2Decoder))
    {
        config.Validate();
        Config = config;
        _embedTokens = new Layers.Embedding(config.VocabSize, config.HiddenSize, config.InitializerRange, factory);
        _layers = new ModuleList<Qwen2DecoderLayer>(
            Enumerable.Range(0, config.NumHiddenLayers).Select(i => new Qwen2DecoderLayer(config, i, factory)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, factory);
        _rotary = new RotaryEmbedding(config.HeadDimension, config.RopeTheta);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public DecoderConfig Config { get; }

    /// <summary>The token embedding.</summary>
    public Layers.Embedding EmbedTokens => _embedTokens;

    /// <summary>The blocks.</summary>
    public IReadOnlyList<Qwen2DecoderLayer> Layers => _layers.ToList();

    /// <summary>Recompute each block in the backward pass instead of keeping its activations (applies in training mode with grad on).</summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>
    /// Runs the stack on embeddings [batch, seq, hidden] and returns the final normalised hidden states.
    /// </summary>
    /// <param name="inputsEmbeds">Token (and audio) embeddings of the new positions.</param>
    /// <param name="attentionMask">[batch, cached + seq], 1 for real tokens (covers the cache's past too).</param>
    /// <param name="positionIds">[batch, seq] RoPE positions.</param>
    /// <param name="cache">A KV cache to extend, or null for a full forward.</param>
    public Tensor Forward(Tensor inputsEmbeds, Tensor attentionMask, Tensor positionIds, KvCache? cache = null)
    {
        using var scope = torch.NewDisposeScope();
        var seq = inputsEmbeds.shape[1];
        var past = cache?.Length ?? 0;
        if (attentionMask.shape[1] != past + seq)
        {
            throw new ArgumentException($"attention_mask covers {attentionMask.shape[1]} positions; expected {past} cached + {seq} new");
        }
        var mask = AttentionMasks.Causal(attentionMask, past, seq);
        var (cos, sin) = _rotary.Angles(positionIds, inputsEmbeds.dtype);
        var hidden = inputsEmbeds;
        var checkpoint = GradientCheckpointing && cache is null && training && torch.is_grad_enabled();
        if (checkpoint)
        {
            // The backward pass replays the blocks long after this scope ends; what they close over must outlive it.
            cos.DetachFromDisposeScope();
            sin.DetachFromDisposeScope();
            mask.DetachFromDisposeScope();
        }
        foreach (var layer in _layers)
        {
            hidden = checkpoint
                ? GradientCheckpoint.Run(h => layer.Forward(h, cos, sin, mask, null), hidden, Lora.LoraAdapters.DropoutGenerators(layer))
                : layer.Forward(hidden, cos, sin, mask, cache);
        }
        cache?.Advance(seq);
        return _norm.forward(hidden).MoveToOuterDisposeScope();
    }
}
