using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Layers;

/// <summary>A lookup table (PyTorch <c>nn.Embedding</c>, key <c>weight</c> of shape [rows, width]).</summary>
public sealed class Embedding : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private Parameter _weight;

    /// <summary>Creates a table of <paramref name="rows"/> × <paramref name="width"/> drawn from normal(0, <paramref name="std"/>).</summary>
    public Embedding(long rows, long width, double std, ParameterFactory factory) : base(nameof(Embedding))
    {
        _weight = factory.Normal([rows, width], std);
        RegisterComponents();
    }

    /// <summary>The table.</summary>
    public Parameter Weight => _weight;

    /// <summary>Rows of the table.</summary>
    public long Rows => _weight.shape[0];

    /// <summary>Looks up ids of any shape; the result has one more dimension, of the table's width.</summary>
    public override Tensor forward(Tensor ids)
    {
        var shape = ids.shape.Append(_weight.shape[1]).ToArray();
        using var flat = ids.reshape(-1);
        using var rows = _weight.index_select(0, flat);
        return rows.reshape(shape);
    }
}
