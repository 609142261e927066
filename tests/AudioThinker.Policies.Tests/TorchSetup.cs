using AudioThinker.Policies.Runtime;
using TorchSharp;

namespace AudioThinker.Policies.Tests;

/// <summary>
/// Initialises TorchSharp for the model tests with one intra-op thread: xunit already runs test classes in parallel,
/// and libtorch's OpenMP threads on top of that oversubscribe a 2-core machine (measured: a tiny-model decode step
/// took 50× longer with 2 threads than with 1 while other builds ran).
/// </summary>
internal static class TorchSetup
{
    private static readonly Lazy<bool> Done = new(() =>
    {
        TorchRuntime.Initialize();
        torch.set_num_threads(1);
        return true;
    });

    public static void Ensure() => _ = Done.Value;
}
