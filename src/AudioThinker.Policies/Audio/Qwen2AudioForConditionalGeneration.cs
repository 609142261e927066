using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Text;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Audio;

/// <summary>
/// Qwen2-Audio (Chu et al. 2024; Hugging Face <c>Qwen2AudioForConditionalGeneration</c>): <c>audio_tower</c> encodes
/// each clip, <c>multi_modal_projector</c> maps it to the decoder's width, and the first n of its tokens (n from the
/// clip's valid frames) replace, in order, the <c>&lt;|AUDIO|&gt;</c> placeholders of the prompt; the rest is the Qwen2
/// <c>language_model</c>. Parameter names are the hub checkpoint's (<c>language_model.model.layers.*</c>).
/// </summary>
public sealed class Qwen2AudioForConditionalGeneration : nn.Module, ICausalLanguageModel
{
    [ComponentName(Name = "audio_tower")]
    private AudioEncoder _audioTower;
    [ComponentName(Name = "multi_modal_projector")]
    private MultiModalProjector _multiModalProjector;
    [ComponentName(Name = "language_model")]
    private CausalLanguageModel _languageModel;

    /// <summary>Creates the model.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="factory">Device, dtype and initialisation of the parameters.</param>
    /// <param name="tieWordEmbeddings">Overrides the text config's tie (a checkpoint with <c>lm_head.weight</c> is untied).</param>
    public Qwen2AudioForConditionalGeneration(Qwen2AudioConfig config, ParameterFactory factory, bool? tieWordEmbeddings = null)
        : base(nameof(Qwen2AudioForConditionalGeneration))
    {
        config.Validate();
        _audioTower = new AudioEncoder(config.Audio, factory);
        _multiModalProjector = new MultiModalProjector(config.Audio.DModel, config.Text.HiddenSize, config.Text.InitializerRange, factory);
        _languageModel = new CausalLanguageModel(config.Text, factory, tieWordEmbeddings);
        Config = config with { Text = _languageModel.Config };
        Device = factory.Device;
        DType = factory.DType;
        RegisterComponents();
    }

    /// <summary>Loads a Qwen2-Audio checkpoint folder, hub or transformers-5 layout (see <see cref="Loading.PretrainedModels"/>).</summary>
    public static Qwen2AudioForConditionalGeneration FromPretrained(string directory, Loading.LoadOptions? options = null) =>
        Loading.PretrainedModels.LoadQwen2Audio(directory, options);

    /// <summary>Writes this model as a Hugging Face checkpoint folder (hub layout).</summary>
    public void SavePretrained(string directory, Loading.SaveOptions? options = null) => Loading.PretrainedModels.Save(this, directory, options);

    /// <summary>The configuration (with the tie actually in effect).</summary>
    public Qwen2AudioConfig Config { get; }

    /// <summary>The audio encoder.</summary>
    public AudioEncoder AudioTower => _audioTower;

    /// <summary>The language model.</summary>
    public CausalLanguageModel LanguageModel => _languageModel;

    /// <inheritdoc />
    public DecoderConfig TextConfig => Config.Text;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public Device Device { get; }

    /// <inheritdoc />
    public ScalarType DType { get; }

    /// <inheritdoc />
    public bool GradientCheckpointing
    {
        get => _languageModel.GradientCheckpointing;
        set => _languageModel.GradientCheckpointing = value;
    }

    /// <inheritdoc />
    public Tensor OutputWeight => _languageModel.OutputWeight;

    /// <summary>Projected audio tokens of every clip, concatenated in clip order: [Σ tokens, hidden].</summary>
    public Tensor EncodeAudio(AudioInput audio)
    {
        using var scope = torch.NewDisposeScope();
        var (hidden, counts) = _audioTower.Forward(audio.InputFeatures, audio.FeatureAttentionMask);
        var projected = _multiModalProjector.forward(hidden);
        var pieces = counts.Select((n, i) => projected[i].narrow(0, 0, n)).ToArray();
        return torch.cat(pieces, 0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Embed(Tensor inputIds, AudioInput? audio = null)
    {
        using var scope = torch.NewDisposeScope();
        var embeds = _languageModel.Embed(inputIds);
        var placeholders = inputIds.eq(Config.AudioTokenIndex);
        var slots = placeholders.sum().item<long>();
        if (audio is null)
        {
            if (slots > 0)
            {
                throw new ArgumentException($"input_ids hold {slots} audio placeholders (id {Config.AudioTokenIndex}) but no audio was given");
            }
            return embeds.MoveToOuterDisposeScope();
        }
        var features = EncodeAudio(audio);
        if (features.shape[0] != slots)
        {
            throw new ArgumentException(
                $"audio features and placeholders disagree: {audio.Clips} clip(s) give {features.shape[0]} audio tokens but input_ids hold {slots} " +
                $"placeholders (id {Config.AudioTokenIndex}); expand <|AUDIO|> to each clip's token count");
        }
        var mask = placeholders.unsqueeze(-1).expand_as(embeds);
        return embeds.masked_scatter(mask, features.to_type(embeds.dtype)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor EmbedTokens(Tensor inputIds) => _languageModel.EmbedTokens(inputIds);

    /// <inheritdoc />
    public Tensor Decode(Tensor inputsEmbeds, Tensor attentionMask, Tensor positionIds, KvCache? cache = null) =>
        _languageModel.Decode(inputsEmbeds, attentionMask, positionIds, cache);

    /// <inheritdoc />
    public Tensor Logits(Tensor hidden) => _languageModel.Logits(hidden);

    /// <inheritdoc />
    public KvCache CreateCache(long batch, long capacity) => _languageModel.CreateCache(batch, capacity);
}
