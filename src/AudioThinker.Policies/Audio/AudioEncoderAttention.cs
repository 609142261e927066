using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Lora;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Audio;

/// <summary>
/// Bidirectional multi-head attention of the Whisper-style encoder (Hugging Face <c>Qwen2AudioAttention</c>):
/// <c>q_proj</c>, <c>v_proj</c>, <c>out_proj</c> with bias, <c>k_proj</c> without (a bias on keys shifts every score of
/// a query equally, so softmax ignores it), scale 1/√head_dim.
/// </summary>
public sealed class AudioEncoderAttention : nn.Module
{
    [ComponentName(Name = "q_proj")]
    private LoraLinear _qProj;
    [ComponentName(Name = "k_proj")]
    private LoraLinear _kProj;
    [ComponentName(Name = "v_proj")]
    private LoraLinear _vProj;
    [ComponentName(Name = "out_proj")]
    private LoraLinear _outProj;
    private readonly int _heads;

    /// <summary>Creates the attention.</summary>
    public AudioEncoderAttention(int width, int heads, double std, ParameterFactory factory) : base(nameof(AudioEncoderAttention))
    {
        _heads = heads;
        _qProj = new LoraLinear(width, width, true, std, factory);
        _kProj = new LoraLinear(width, width, false, std, factory);
        _vProj = new LoraLinear(width, width, true, std, factory);
        _outProj = new LoraLinear(width, width, true, std, factory);
        RegisterComponents();
    }

    /// <summary>Attends over <paramref name="hidden"/> [clips, positions, width]; <paramref name="mask"/> [clips, 1, 1, positions] hides padding keys.</summary>
    public Tensor Forward(Tensor hidden, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var (clips, length, width) = (hidden.shape[0], hidden.shape[1], hidden.shape[2]);
        var headDim = width / _heads;
        Tensor Split(Tensor x) => x.view(clips, length, _heads, headDim).transpose(1, 2);
        var q = Split(_qProj.forward(hidden));
        var k = Split(_kProj.forward(hidden));
        var v = Split(_vProj.forward(hidden));
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, mask);
        var merged = attended.transpose(1, 2).reshape(clips, length, width);
        return _outProj.forward(merged).MoveToOuterDisposeScope();
    }
}
