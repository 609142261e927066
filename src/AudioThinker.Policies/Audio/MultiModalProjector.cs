using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Lora;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Audio;

/// <summary>Maps audio-encoder states to the decoder's width (Hugging Face <c>Qwen2AudioMultiModalProjector</c>: one <c>linear</c> with bias).</summary>
public sealed class MultiModalProjector : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "linear")]
    private LoraLinear _linear;

    /// <summary>Creates the projector.</summary>
    public MultiModalProjector(int audioWidth, int textWidth, double std, ParameterFactory factory) : base(nameof(MultiModalProjector))
    {
        _linear = new LoraLinear(audioWidth, textWidth, true, std, factory);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => _linear.forward(input);
}
