using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Lora;
using AudioThinker.Policies.Models;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Text;

/// <summary>
/// A text-only causal language model, Qwen2 or Qwen3 (Hugging Face <c>Qwen2ForCausalLM</c> / <c>Qwen3ForCausalLM</c>):
/// <c>model.*</c> is the <see cref="Qwen2Decoder"/>, <c>lm_head.weight</c> the output head unless it is tied to
/// <c>model.embed_tokens.weight</c>. Qwen3 is the in-process judge; Qwen2 is also Qwen2-Audio's language model.
/// </summary>
public sealed class CausalLanguageModel : nn.Module, ICausalLanguageModel
{
    [ComponentName(Name = "model")]
    private Qwen2Decoder _model;
    [ComponentName(Name = "lm_head")]
    private LoraLinear? _lmHead;

    /// <summary>Creates the model.</summary>
    /// <param name="config">The decoder configuration.</param>
    /// <param name="factory">Device, dtype and initialisation of the parameters.</param>
    /// <param name="tieWordEmbeddings">Overrides <see cref="DecoderConfig.TieWordEmbeddings"/> (a checkpoint holding
    /// <c>lm_head.weight</c> is loaded untied whatever the config says).</param>
    public CausalLanguageModel(DecoderConfig config, ParameterFactory factory, bool? tieWordEmbeddings = null) : base(nameof(CausalLanguageModel))
    {
        Config = config with { TieWordEmbeddings = tieWordEmbeddings ?? config.TieWordEmbeddings };
        _model = new Qwen2Decoder(Config, factory);
        _lmHead = Config.TieWordEmbeddings ? null : new LoraLinear(config.HiddenSize, config.VocabSize, false, config.InitializerRange, factory);
        Device = factory.Device;
        DType = factory.DType;
        RegisterComponents();
    }

    /// <summary>Loads a Qwen2/Qwen3 checkpoint folder (see <see cref="Loading.PretrainedModels"/>).</summary>
    public static CausalLanguageModel FromPretrained(string directory, Loading.LoadOptions? options = null) =>
        Loading.PretrainedModels.LoadCausalLm(directory, options);

    /// <summary>Writes this model as a Hugging Face checkpoint folder.</summary>
    public void SavePretrained(string directory, Loading.SaveOptions? options = null) => Loading.PretrainedModels.Save(this, directory, options);

    /// <summary>The configuration (with the tie actually in effect).</summary>
    public DecoderConfig Config { get; }

    /// <summary>The decoder stack (<c>model</c>).</summary>
    public Qwen2Decoder Decoder => _model;

    /// <summary>The untied output head, or null when tied to the embedding.</summary>
    public LoraLinear? LmHead => _lmHead;

    /// <inheritdoc />
    public DecoderConfig TextConfig => Config;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public Device Device { get; }

    /// <inheritdoc />
    public ScalarType DType { get; }

    /// <inheritdoc />
    public bool GradientCheckpointing
    {
        get => _model.GradientCheckpointing;
        set => _model.GradientCheckpointing = value;
    }

    /// <inheritdoc />
    public Tensor OutputWeight => _lmHead?.Weight ?? _model.EmbedTokens.Weight;

    /// <inheritdoc />
    public Tensor Embed(Tensor inputIds, AudioInput? audio = null)
    {
        if (audio is not null)
        {
            throw new ArgumentException($"{Config.ModelType} is a text-only model; it cannot take audio input", nameof(audio));
        }
        return _model.EmbedTokens.forward(inputIds);
    }

    /// <inheritdoc />
    public Tensor EmbedTokens(Tensor inputIds) => _model.EmbedTokens.forward(inputIds);

    /// <inheritdoc />
    public Tensor Decode(Tensor inputsEmbeds, Tensor attentionMask, Tensor positionIds, KvCache? cache = null) =>
        _model.Forward(inputsEmbeds, attentionMask, positionIds, cache);

    /// <inheritdoc />
    public Tensor Logits(Tensor hidden) =>
        _lmHead is not null ? _lmHead.forward(hidden) : nn.functional.linear(hidden, _model.EmbedTokens.Weight);

    /// <inheritdoc />
    public KvCache CreateCache(long batch, long capacity) =>
        new(Config.NumHiddenLayers, batch, Config.NumKeyValueHeads, capacity, Config.HeadDimension, DType, Device);
}
