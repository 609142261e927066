using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace AudioThinker.Policies.Runtime;

/// <summary>
/// The one door to TorchSharp's native side. Every TorchSharp user calls <see cref="Initialize"/> before its first
/// tensor; the first call decides the device and loads what it needs, later calls return the same answer.
/// </summary>
/// <remarks>
/// On hosts whose libstdc++ lacks GLIBCXX_3.4.32 the build has already replaced the output folder's
/// libLibTorchSharp.so with a copy patched to use the compat shim (eng/native/torchsharp-compat.sh), so CPU needs
/// nothing here. For CUDA, a CUDA libtorch is loaded from <see cref="DeviceOptions.LibTorchDirectory"/>, the
/// <c>AUDIOTHINKER_LIBTORCH</c> folder, or PyTorch's own lib folder, before TorchSharp initialises its backend.
/// </remarks>
public static class TorchRuntime
{
    /// <summary>The environment variable naming a folder that holds a CUDA libtorch.</summary>
    public const string LibTorchVariable = "AUDIOTHINKER_LIBTORCH";

    // Load order matters: each library needs the ones before it.
    private static readonly string[] CudaLibraries = ["libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"];

    private static readonly object Gate = new();
    private static TorchRuntimeInfo? _info;
    private static DeviceOptions? _options;

    /// <summary>What was loaded, or null before the first <see cref="Initialize"/>.</summary>
    public static TorchRuntimeInfo? Info => _info;

    /// <summary>The device every model should be created on.</summary>
    public static torch.Device Device => Initialize().DeviceType == "cuda" ? torch.CUDA : torch.CPU;

    /// <summary>Initialises TorchSharp once (thread-safe, idempotent). A later call with other options than the first throws.</summary>
    /// <exception cref="TorchRuntimeException">The device cannot be had; the message lists every place tried.</exception>
    public static TorchRuntimeInfo Initialize(DeviceOptions? options = null)
    {
        options ??= _options ?? DeviceOptions.Cpu;
        lock (Gate)
        {
            if (_info is not null)
            {
                if (_options is not null && !Equals(_options.Device, options.Device) && options.Device != "auto" && _options.Device != "auto")
                {
                    throw new TorchRuntimeException(
                        $"TorchRuntime was initialised for device '{_options.Device}' and cannot switch to '{options.Device}' in the same process.");
                }
                return _info;
            }
            _info = Load(options);
            _options = options;
            return _info;
        }
    }

    private static TorchRuntimeInfo Load(DeviceOptions options)
    {
        var device = options.Device.Trim().ToLowerInvariant();
        if (device is not ("cpu" or "cuda" or "auto"))
        {
            throw new TorchRuntimeException($"device: '{options.Device}' is not one of cpu, cuda, auto.");
        }

        var source = "NuGet package (app folder)";
        if (device is "cuda" or "auto")
        {
            var tried = new List<string>();
            var folder = FindCudaLibTorch(options, tried);
            if (folder is null)
            {
                if (device == "cuda")
                {
                    throw new TorchRuntimeException(
                        "device: cuda was asked for but no CUDA libtorch was found. Tried:\n  - " + string.Join("\n  - ", tried) +
                        $"\nSet {LibTorchVariable} to a folder holding libtorch_cuda.so, or install PyTorch with CUDA for python3.");
                }
            }
            else
            {
                foreach (var lib in CudaLibraries)
                {
                    var path = Path.Combine(folder, lib);
                    if (File.Exists(path))
                    {
                        NativeLibrary.Load(path);
                    }
                }
                source = folder;
            }
        }

        var wantCuda = device != "cpu" && source != "NuGet package (app folder)";
        try
        {
            torch.InitializeDeviceType(wantCuda ? DeviceType.CUDA : DeviceType.CPU);
        }
        catch (Exception e) when (e is not TorchRuntimeException)
        {
            throw new TorchRuntimeException(
                $"TorchSharp failed to load its native library ({e.Message}). On hosts without GLIBCXX_3.4.32 the build patches " +
                "bin/.../runtimes/linux-x64/native/libLibTorchSharp.so; rebuild, and check the build log for 'torchsharp-compat'.", e);
        }

        var cuda = torch.cuda.is_available();
        if (device == "cuda" && !cuda)
        {
            throw new TorchRuntimeException($"device: cuda was asked for; libtorch from {source} loaded but reports no CUDA device (driver, CUDA_VISIBLE_DEVICES?).");
        }
        var useCuda = cuda && device != "cpu";
        if (options.CpuThreads > 0)
        {
            torch.set_num_threads(options.CpuThreads);
        }

        return new TorchRuntimeInfo(
            TorchSharpVersion: typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                               ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
            LibTorchSource: source,
            DeviceType: useCuda ? "cuda" : "cpu",
            DeviceName: useCuda ? CudaDeviceName() : CpuName(),
            CudaAvailable: cuda,
            CudaDeviceCount: cuda ? torch.cuda.device_count() : 0,
            CompatShim: CompatShimLoaded());
    }

    /// <summary>Finds a folder holding a CUDA libtorch, recording each place tried.</summary>
    internal static string? FindCudaLibTorch(DeviceOptions options, List<string> tried)
    {
        foreach (var (label, folder) in Candidates(options))
        {
            if (folder is null)
            {
                tried.Add($"{label}: not set");
                continue;
            }
            if (File.Exists(Path.Combine(folder, "libtorch_cuda.so")))
            {
                return folder;
            }
            tried.Add($"{label}: {folder} (no libtorch_cuda.so)");
        }
        return null;
    }

    private static IEnumerable<(string Label, string? Folder)> Candidates(DeviceOptions options)
    {
        yield return ("DeviceOptions.LibTorchDirectory", options.LibTorchDirectory);
        yield return (LibTorchVariable, Environment.GetEnvironmentVariable(LibTorchVariable));
        yield return ("python3 -c 'import torch'", PythonTorchLib());
    }

    private static string? PythonTorchLib()
    {
        try
        {
            var psi = new ProcessStartInfo("python3", ["-c", "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi);
            if (p is null)
            {
                return null;
            }
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.StandardError.ReadToEnd();
            return p.WaitForExit(30_000) && p.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no python3 on this host
        }
    }

    private static bool CompatShimLoaded()
    {
        try
        {
            return File.ReadAllText("/proc/self/maps").Contains("libatcxx32.so", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string CudaDeviceName()
    {
        try
        {
            var psi = new ProcessStartInfo("nvidia-smi", ["--query-gpu=name", "--format=csv,noheader"]) { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            var name = p?.StandardOutput.ReadLine()?.Trim();
            p?.WaitForExit(10_000);
            return string.IsNullOrEmpty(name) ? "cuda:0" : name;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "cuda:0";
        }
    }
}

/// <summary>TorchSharp could not be initialised as asked.</summary>
public sealed class TorchRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TorchRuntimeException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public TorchRuntimeException(string message, Exception inner) : base(message, inner) { }
}
