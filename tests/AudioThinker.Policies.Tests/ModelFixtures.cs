using AudioThinker.Data.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>The Hugging Face reference checkpoints in Fixtures/ (see Fixtures/README.md) and their expected outputs.</summary>
internal static class ModelFixtures
{
    /// <summary>The folder of a fixture checkpoint (beside the test assembly, else beside the project).</summary>
    public static string Directory(string name)
    {
        TorchSetup.Ensure();
        var beside = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        if (System.IO.Directory.Exists(beside))
        {
            return beside;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Fixtures", name);
            if (File.Exists(Path.Combine(dir.FullName, "AudioThinker.Policies.Tests.csproj")) && System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"fixture folder '{name}' not found beside {AppContext.BaseDirectory}");
    }

    /// <summary>The tensors of a fixture's expected.safetensors.</summary>
    public static Expected Load(string name)
    {
        TorchSetup.Ensure();
        return new Expected(SafeTensors.Load(Path.Combine(Directory(name), "expected.safetensors")));
    }

    /// <summary>A fixture's expected tensors, as TorchSharp tensors.</summary>
    public sealed class Expected(SafeTensors file)
    {
        public Tensor Long(string key) => torch.tensor(file.GetLongs(key), dtype: ScalarType.Int64).reshape(file.Get(key).Shape);

        public Tensor Float(string key) => torch.tensor(file.GetFloats(key)).reshape(file.Get(key).Shape);

        public long[] Longs(string key) => file.GetLongs(key);
    }

    /// <summary>Largest |a − b| over positions where <paramref name="mask"/> [batch, seq] is 1 (a, b: [batch, seq, vocab]).</summary>
    public static double MaxAbsDiffWhereMasked(Tensor a, Tensor b, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var keep = mask.to_type(ScalarType.Bool).unsqueeze(-1).expand_as(a);
        var diff = (a.to_type(ScalarType.Float32) - b.to_type(ScalarType.Float32)).abs().masked_select(keep);
        return diff.max().item<float>();
    }
}

/// <summary>Tensor comparisons for assertions.</summary>
internal static class TensorAssert
{
    /// <summary>True when both have the same shape and bit-identical values.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
        {
            return false;
        }
        using var eq = a.eq(b).all();
        return eq.item<bool>();
    }
}
