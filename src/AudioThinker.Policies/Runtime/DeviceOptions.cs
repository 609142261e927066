namespace AudioThinker.Policies.Runtime;

/// <summary>Which device TorchSharp should compute on, and where a CUDA libtorch may be found.</summary>
public sealed record DeviceOptions
{
    /// <summary><c>cpu</c>, <c>cuda</c> (fail when CUDA cannot be had) or <c>auto</c> (CUDA when available). Default <c>cpu</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>A folder holding a CUDA libtorch (libtorch_cuda.so and friends). Default: the
    /// <c>AUDIOTHINKER_LIBTORCH</c> environment variable, else the lib folder of the PyTorch that <c>python3</c> imports.</summary>
    public string? LibTorchDirectory { get; init; }

    /// <summary>Threads for CPU ops; 0 leaves libtorch's default. Default 0.</summary>
    public int CpuThreads { get; init; }

    /// <summary>The default options: CPU.</summary>
    public static DeviceOptions Cpu { get; } = new();

    /// <summary>CUDA when available, else CPU.</summary>
    public static DeviceOptions Auto { get; } = new() { Device = "auto" };
}

/// <summary>What <see cref="TorchRuntime.Initialize"/> loaded.</summary>
/// <param name="TorchSharpVersion">The managed TorchSharp assembly's version.</param>
/// <param name="LibTorchSource">Where libtorch came from: the NuGet package next to the app, or a folder.</param>
/// <param name="DeviceType">The device chosen: cpu or cuda.</param>
/// <param name="DeviceName">The device's name (the GPU's, or the CPU's model).</param>
/// <param name="CudaAvailable">Whether libtorch reports CUDA.</param>
/// <param name="CudaDeviceCount">Number of CUDA devices.</param>
/// <param name="CompatShim">Whether the libstdc++ compat shim is in use (hosts without GLIBCXX_3.4.32).</param>
public sealed record TorchRuntimeInfo(
    string TorchSharpVersion,
    string LibTorchSource,
    string DeviceType,
    string DeviceName,
    bool CudaAvailable,
    int CudaDeviceCount,
    bool CompatShim)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"TorchSharp {TorchSharpVersion}, libtorch from {LibTorchSource}, device {DeviceType} ({DeviceName}), " +
        $"CUDA {(CudaAvailable ? $"available ({CudaDeviceCount} device(s))" : "not available")}" +
        (CompatShim ? ", libstdc++ compat shim" : "");
}
