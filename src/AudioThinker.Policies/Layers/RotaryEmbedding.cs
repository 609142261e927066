using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Layers;

/// <summary>
/// Rotary position embedding, default variant (Su et al. 2021; Hugging Face <c>rope_type = "default"</c>):
/// <c>inv_freq[i] = 1 / θ^(2i/d)</c>, angles <c>position · inv_freq</c> duplicated over both halves of the head, and
/// <c>rotate(x) = x·cos + rotate_half(x)·sin</c> with <c>rotate_half([x₁, x₂]) = [−x₂, x₁]</c>.
/// </summary>
/// <remarks>
/// It holds no tensor: the frequencies are rebuilt in float32 on each call (d/2 numbers), so casting a model to
/// bfloat16 cannot round them, and angles are computed in float32 before casting, as transformers does.
/// </remarks>
public sealed class RotaryEmbedding
{
    private readonly float[] _invFreq;

    /// <summary>Creates the rotation for heads of width <paramref name="headDim"/> with base <paramref name="theta"/>.</summary>
    public RotaryEmbedding(int headDim, double theta)
    {
        if (headDim <= 0 || headDim % 2 != 0)
        {
            throw new ArgumentException($"head_dim {headDim} must be positive and even", nameof(headDim));
        }
        HeadDim = headDim;
        Theta = theta;
        _invFreq = new float[headDim / 2];
        for (var i = 0; i < _invFreq.Length; i++)
        {
            // float32 arithmetic, as torch evaluates theta ** (arange(0, d, 2).float() / d).
            var exponent = (float)(2 * i) / headDim;
            _invFreq[i] = 1.0f / MathF.Pow((float)theta, exponent);
        }
    }

    /// <summary>The head width rotated.</summary>
    public int HeadDim { get; }

    /// <summary>The base θ.</summary>
    public double Theta { get; }

    /// <summary>cos and sin for <paramref name="positionIds"/> [batch, seq]: each [batch, seq, head_dim] in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) Angles(Tensor positionIds, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var invFreq = torch.tensor(_invFreq, device: positionIds.device).view(1, 1, -1);
        var freqs = positionIds.to_type(ScalarType.Float32).unsqueeze(-1) * invFreq;
        var emb = torch.cat([freqs, freqs], -1);
        var cos = emb.cos().to_type(dtype);
        var sin = emb.sin().to_type(dtype);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>Rotates <paramref name="x"/> [batch, heads, seq, head_dim] by angles from <see cref="Angles"/>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = torch.NewDisposeScope();
        var c = cos.unsqueeze(1);
        var s = sin.unsqueeze(1);
        var half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = torch.cat([-x2, x1], -1);
        return (x * c + rotated * s).MoveToOuterDisposeScope();
    }
}
