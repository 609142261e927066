using AudioThinker.Policies.Configuration;
using AudioThinker.Policies.Layers;
using AudioThinker.Policies.Lora;
using AudioThinker.Policies.Models;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Text;

/// <summary>
/// Causal grouped-query self-attention with RoPE, the part Qwen2 and Qwen3 share: <c>q_proj</c>, <c>k_proj</c>,
/// <c>v_proj</c>, <c>o_proj</c>; query head h reads key/value head <c>h / (heads / kv_heads)</c> (transformers'
/// <c>repeat_kv</c> order). Subclasses decide biases and whether q and k are normalised before the rotation.
/// </summary>
/// <remarks>
/// Grouped heads are folded into the query axis ([batch, kv_heads, group × seq, head_dim]) instead of repeating keys
/// and values, so a cached step reads the cache once rather than copying it <c>group</c> times.
/// </remarks>
public abstract class CausalSelfAttention : nn.Module
{
    [ComponentName(Name = "q_proj")]
    private LoraLinear _qProj;
    [ComponentName(Name = "k_proj")]
    private LoraLinear _kProj;
    [ComponentName(Name = "v_proj")]
    private LoraLinear _vProj;
    [ComponentName(Name = "o_proj")]
    private LoraLinear _oProj;

    /// <summary>Creates the projections; the subclass's constructor must end with <c>RegisterComponents()</c>.</summary>
    protected CausalSelfAttention(string name, DecoderConfig config, int layerIndex, bool qkvBias, bool outputBias, ParameterFactory factory) : base(name)
    {
        LayerIndex = layerIndex;
        Heads = config.NumAttentionHeads;
        KvHeads = config.NumKeyValueHeads;
        HeadDim = config.HeadDimension;
        var std = config.InitializerRange;
        _qProj = new LoraLinear(config.HiddenSize, Heads * HeadDim, qkvBias, std, factory);
        _kProj = new LoraLinear(config.HiddenSize, KvHeads * HeadDim, qkvBias, std, factory);
        _vProj = new LoraLinear(config.HiddenSize, KvHeads * HeadDim, qkvBias, std, factory);
        _oProj = new LoraLinear(Heads * HeadDim, config.HiddenSize, outputBias, std, factory);
    }

    /// <summary>This layer's index (its slot in a <see cref="KvCache"/>).</summary>
    public int LayerIndex { get; }

    /// <summary>Query heads.</summary>
    public int Heads { get; }

    /// <summary>Key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>Per-head width.</summary>
    public int HeadDim { get; }

    /// <summary>Hook for Qwen3's q_norm/k_norm: queries [batch, seq, heads, head_dim] and keys [batch, seq, kv_heads, head_dim] before RoPE.</summary>
    protected virtual (Tensor Queries, Tensor Keys) NormalizeQueryKey(Tensor queries, Tensor keys) => (queries, keys);

    /// <summary>Attends over <paramref name="hidden"/> [batch, seq, hidden] (and the cache's past, if any).</summary>
    /// <param name="hidden">The normalised residual stream.</param>
    /// <param name="cos">RoPE cosines [batch, seq, head_dim].</param>
    /// <param name="sin">RoPE sines [batch, seq, head_dim].</param>
    /// <param name="mask">Boolean mask [batch, 1, seq, keys] (true = attend) over the cached plus new keys.</param>
    /// <param name="cache">The KV cache to append to and read from, or null.</param>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor mask, KvCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        var batch = hidden.shape[0];
        var seq = hidden.shape[1];
        var q = _qProj.forward(hidden).view(batch, seq, Heads, HeadDim);
        var k = _kProj.forward(hidden).view(batch, seq, KvHeads, HeadDim);
        var v = _vProj.forward(hidden).view(batch, seq, KvHeads, HeadDim);
        (q, k) = NormalizeQueryKey(q, k);
        q = RotaryEmbedding.Apply(q.transpose(1, 2), cos, sin);
        k = RotaryEmbedding.Apply(k.transpose(1, 2), cos, sin);
        v = v.transpose(1, 2);
        if (cache is not null)
        {
            (k, v) = cache.Append(LayerIndex, k, v);
        }
        var attended = GroupedAttention(q, k, v, mask, KvHeads);
        var merged = attended.transpose(1, 2).reshape(batch, seq, Heads * HeadDim);
        return _oProj.forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Scaled dot-product attention (scale 1/√head_dim) of queries [batch, heads, seq, d] over keys and values
    /// [batch, kv_heads, keys, d], with each group of heads sharing one key/value head.
    /// </summary>
    public static Tensor GroupedAttention(Tensor q, Tensor k, Tensor v, Tensor mask, int kvHeads)
    {
        using var scope = torch.NewDisposeScope();
        var batch = q.shape[0];
        var heads = q.shape[1];
        var seq = q.shape[2];
        var dim = q.shape[3];
        var group = heads / kvHeads;
        if (group == 1)
        {
            return nn.functional.scaled_dot_product_attention(q, k, v, mask).MoveToOuterDisposeScope();
        }
        // Head h = j·group + g reads kv head j, so [heads, seq] folds to [kv, group·seq] in place.
        var folded = q.reshape(batch, kvHeads, group * seq, dim);
        var keys = mask.shape[3];
        var foldedMask = mask.unsqueeze(2).expand(mask.shape[0], 1, group, seq, keys).reshape(mask.shape[0], 1, group * seq, keys);
        var output = nn.functional.scaled_dot_product_attention(folded, k, v, foldedMask);
        return output.reshape(batch, heads, seq, dim).MoveToOuterDisposeScope();
    }

    /// <summary>The query projection.</summary>
    public LoraLinear QProj => _qProj;

    /// <summary>The key projection.</summary>
    public LoraLinear KProj => _kProj;

    /// <summary>The value projection.</summary>
    public LoraLinear VProj => _vProj;

    /// <summary>The output projection.</summary>
    public LoraLinear OProj => _oProj;
}
