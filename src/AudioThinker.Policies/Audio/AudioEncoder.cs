using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Models;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Audio;

/// <summary>
/// Qwen2-Audio's Whisper-style audio encoder (Hugging Face <c>Qwen2AudioEncoder</c>): <c>conv1</c> (k 3, stride 1) and
/// <c>conv2</c> (k 3, stride 2), each followed by GELU; learned <c>embed_positions</c>; pre-LN <c>layers</c> whose
/// attention ignores padded positions (the mask comes from the feature mask's length after conv2); average pooling
/// (k 2, stride 2); a final <c>layer_norm</c>. 2·P mel frames in, P/2 audio tokens out (3000 → 750 for 30 s).
/// </summary>
public sealed class AudioEncoder : nn.Module
{
    [ComponentName(Name = "conv1")]
    private Layers.Conv1d _conv1;
    [ComponentName(Name = "conv2")]
    private Layers.Conv1d _conv2;
    [ComponentName(Name = "embed_positions")]
    private Layers.Embedding _embedPositions;
    [ComponentName(Name = "layers")]
    private ModuleList<WhisperEncoderLayer> _layers;
    [ComponentName(Name = "layer_norm")]
    private LayerNormalization _layerNorm;

    /// <summary>Creates the encoder. From scratch, positions get Whisper's sinusoids (and, as in transformers, are not trained).</summary>
    public AudioEncoder(AudioEncoderConfig config, ParameterFactory factory) : base(nameof(AudioEncoder))
    {
        config.Validate();
        Config = config;
        var std = config.InitializerRange;
        // From scratch the convolutions get He-normal weights (std √(2 / fan_in)), not initializer_range: at 0.02 the
        // clip's content leaves conv2 at ≈ 0.04 rms against the sinusoidal positions' 0.7, two clips' audio tokens
        // differ by < 1 %, and a tiny model never learns to hear (it fits the answer prior and the gradient towards
        // the audio vanishes). Pretrained weights replace these values, so loading is unaffected.
        _conv1 = new Layers.Conv1d(config.NumMelBins, config.DModel, 3, 1, 1, Math.Sqrt(2.0 / (config.NumMelBins * 3)), factory);
        _conv2 = new Layers.Conv1d(config.DModel, config.DModel, 3, 2, 1, Math.Sqrt(2.0 / (config.DModel * 3)), factory);
        _embedPositions = new Layers.Embedding(config.MaxSourcePositions, config.DModel, std, factory);
        if (factory.Initialize)
        {
            using var noGrad = torch.no_grad();
            using var table = Sinusoids(config.MaxSourcePositions, config.DModel);
            _embedPositions.Weight.copy_(table);
        }
        _embedPositions.Weight.requires_grad_(false);
        _layers = new ModuleList<WhisperEncoderLayer>(Enumerable.Range(0, config.EncoderLayers)
            .Select(_ => new WhisperEncoderLayer(config.DModel, config.EncoderAttentionHeads, config.EncoderFfnDim, std, factory)).ToArray());
        _layerNorm = new LayerNormalization(config.DModel, factory);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public AudioEncoderConfig Config { get; }

    /// <summary>
    /// Encodes clips: <paramref name="inputFeatures"/> [clips, mel_bins, 2·max_source_positions] and
    /// <paramref name="featureAttentionMask"/> [clips, frames] → hidden states [clips, max_source_positions / 2, d_model]
    /// and each clip's number of valid audio tokens.
    /// </summary>
    /// <exception cref="ArgumentException">The features have the wrong mel bins or frame count.</exception>
    public (Tensor Hidden, long[] TokenCounts) Forward(Tensor inputFeatures, Tensor featureAttentionMask)
    {
        if (inputFeatures.dim() != 3 || inputFeatures.shape[1] != Config.NumMelBins || inputFeatures.shape[2] != Config.InputFrames)
        {
            throw new ArgumentException(
                $"input_features has shape [{string.Join(", ", inputFeatures.shape)}]; the encoder takes [clips, {Config.NumMelBins}, {Config.InputFrames}] " +
                $"(num_mel_bins, 2 × max_source_positions): pad or cut the log-mel window to {Config.InputFrames} frames");
        }
        if (featureAttentionMask.dim() != 2 || featureAttentionMask.shape[0] != inputFeatures.shape[0] || featureAttentionMask.shape[1] != Config.InputFrames)
        {
            throw new ArgumentException(
                $"feature_attention_mask has shape [{string.Join(", ", featureAttentionMask.shape)}]; expected [{inputFeatures.shape[0]}, {Config.InputFrames}]");
        }
        using var scope = torch.NewDisposeScope();
        var frames = featureAttentionMask.to_type(ScalarType.Int64).sum(1).cpu().data<long>().ToArray();
        if (frames.Any(f => f <= 0))
        {
            throw new ArgumentException($"feature_attention_mask: every clip needs at least one valid frame, got frame counts [{string.Join(", ", frames)}]");
        }
        var convolved = frames.Select(f => (long)AudioEncoderConfig.ConvolvedLength((int)f)).ToArray();
        var tokens = frames.Select(f => (long)AudioEncoderConfig.AudioTokenCount((int)f)).ToArray();

        var x = inputFeatures.to(DTypeOfWeights(), DeviceOfWeights());
        x = nn.functional.gelu(_conv1.forward(x));
        x = nn.functional.gelu(_conv2.forward(x));
        var hidden = x.permute(0, 2, 1) + _embedPositions.Weight;
        var lengths = torch.tensor(convolved, device: hidden.device);
        var mask = AttentionMasks.KeyPadding(lengths, hidden.shape[1]);
        foreach (var layer in _layers)
        {
            hidden = layer.Forward(hidden, mask);
        }
        var pooled = nn.functional.avg_pool1d(hidden.permute(0, 2, 1), 2, 2).permute(0, 2, 1);
        return (_layerNorm.forward(pooled).MoveToOuterDisposeScope(), tokens);
    }

    private ScalarType DTypeOfWeights() => _embedPositions.Weight.dtype;

    private Device DeviceOfWeights() => _embedPositions.Weight.device;

    /// <summary>Whisper's fixed position table: sin then cos of <c>t · 10000^(−i/(d/2 − 1))</c>, [length, width].</summary>
    public static Tensor Sinusoids(long length, long width)
    {
        if (width % 2 != 0 || width < 4)
        {
            throw new ArgumentException($"sinusoidal positions need an even width of at least 4, got {width}", nameof(width));
        }
        using var scope = torch.NewDisposeScope();
        var half = width / 2;
        var increment = Math.Log(10000.0) / (half - 1);
        var inverse = torch.exp(torch.arange(half, ScalarType.Float32) * -increment);
        var scaled = torch.arange(length, ScalarType.Float32).unsqueeze(1) * inverse.unsqueeze(0);
        return torch.cat([scaled.sin(), scaled.cos()], 1).MoveToOuterDisposeScope();
    }
}
