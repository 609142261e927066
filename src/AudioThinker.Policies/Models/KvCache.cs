using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Models;

/// <summary>
/// A preallocated key/value cache: per layer, keys and values of shape [batch, kv_heads, capacity, head_dim], filled
/// left to right. Every row shares the same write position (left padding keeps prompts right-aligned), so a step
/// writes one slice for the whole batch and attention reads the prefix <c>[0, Length)</c>; which slots are real
/// tokens is the attention mask's business, not the cache's.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    /// <summary>Allocates the cache.</summary>
    public KvCache(int layers, long batch, int kvHeads, long capacity, int headDim, ScalarType dtype, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (var i = 0; i < layers; i++)
        {
            _keys[i] = torch.zeros([batch, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
            _values[i] = torch.zeros([batch, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
        }
        Batch = batch;
        Capacity = capacity;
    }

    /// <summary>Rows.</summary>
    public long Batch { get; }

    /// <summary>Positions allocated.</summary>
    public long Capacity { get; }

    /// <summary>Positions written so far (the offset of the next write).</summary>
    public long Length { get; private set; }

    /// <summary>Writes a layer's new keys and values [batch, kv_heads, t, head_dim] at <see cref="Length"/> and returns
    /// views of everything cached for that layer, including them.</summary>
    /// <exception cref="InvalidOperationException">The write would overflow <see cref="Capacity"/>.</exception>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var t = keys.shape[2];
        if (Length + t > Capacity)
        {
            throw new InvalidOperationException($"KV cache overflow: {Length} cached + {t} new > capacity {Capacity}");
        }
        if (keys.shape[0] != Batch)
        {
            throw new ArgumentException($"KV cache holds {Batch} rows, got keys for {keys.shape[0]}", nameof(keys));
        }
        using (torch.no_grad())
        {
            using var kSlot = _keys[layer].narrow(2, Length, t);
            using var vSlot = _values[layer].narrow(2, Length, t);
            kSlot.copy_(keys);
            vSlot.copy_(values);
        }
        return (_keys[layer].narrow(2, 0, Length + t), _values[layer].narrow(2, 0, Length + t));
    }

    /// <summary>Marks <paramref name="count"/> more positions as written; the decoder calls this once per forward, after every layer appended.</summary>
    public void Advance(long count)
    {
        if (count < 0 || Length + count > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"cannot advance from {Length} by {count} within capacity {Capacity}");
        }
        Length += count;
    }

    /// <summary>Bytes held (keys and values of every layer).</summary>
    public long Bytes => _keys.Sum(k => k.numel() * k.element_size()) * 2;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
