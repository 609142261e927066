using AudioThinker.Policies.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void InitializeIsIdempotentAndReportsCpu()
    {
        var first = TorchRuntime.Initialize(DeviceOptions.Cpu);
        var second = TorchRuntime.Initialize(DeviceOptions.Cpu);
        Assert.Same(first, second);
        Assert.Equal("cpu", first.DeviceType);
        Assert.StartsWith("0.107", first.TorchSharpVersion);
    }

    [Fact]
    public void InitializeFromManyThreadsGivesOneAnswer()
    {
        var infos = new TorchRuntimeInfo[8];
        Parallel.For(0, infos.Length, i => infos[i] = TorchRuntime.Initialize(DeviceOptions.Cpu));
        Assert.All(infos, info => Assert.Same(infos[0], info));
    }

    [Fact]
    public void TensorOpRunsOnCpu()
    {
        TorchRuntime.Initialize();
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }

    [Fact]
    public void AutogradAndAdamWStepLowerTheLoss()
    {
        TorchRuntime.Initialize();
        torch.manual_seed(1);
        var w = new TorchSharp.Modules.Parameter(torch.randn(4, 1));
        var x = torch.randn(32, 4);
        var y = x.matmul(torch.tensor(new float[] { 1, -2, 3, 0.5f }).reshape(4, 1));
        var opt = torch.optim.AdamW([w], lr: 0.1);
        double first = 0, last = 0;
        for (var i = 0; i < 20; i++)
        {
            opt.zero_grad();
            using var loss = (x.matmul(w) - y).pow(2).mean();
            loss.backward();
            Assert.NotNull(w.grad);
            opt.step();
            if (i == 0)
            {
                first = loss.item<float>();
            }
            last = loss.item<float>();
        }
        Assert.True(last < first * 0.5, $"loss {first} -> {last}");
    }

    [Fact]
    public void CudaLookupListsEveryPlaceTried()
    {
        var tried = new List<string>();
        var missing = Path.Combine(Path.GetTempPath(), "no-libtorch-here-" + Guid.NewGuid());
        var found = TorchRuntime.FindCudaLibTorch(new DeviceOptions { Device = "cuda", LibTorchDirectory = missing }, tried);
        if (found is null)
        {
            Assert.Contains(tried, t => t.Contains(missing, StringComparison.Ordinal));
            Assert.Contains(tried, t => t.StartsWith(TorchRuntime.LibTorchVariable, StringComparison.Ordinal));
            Assert.Contains(tried, t => t.Contains("python3", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void CudaLookupFindsAFolderWithLibTorchCuda()
    {
        var dir = Directory.CreateTempSubdirectory("fake-libtorch").FullName;
        File.WriteAllBytes(Path.Combine(dir, "libtorch_cuda.so"), []);
        var tried = new List<string>();
        Assert.Equal(dir, TorchRuntime.FindCudaLibTorch(new DeviceOptions { Device = "cuda", LibTorchDirectory = dir }, tried));
        Assert.Empty(tried);
    }
}
