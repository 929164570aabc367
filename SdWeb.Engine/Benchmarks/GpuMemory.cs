using System.Runtime.InteropServices;

namespace SdWeb.Engine.Benchmarks;

/// <summary>
/// Device memory in use on a CUDA GPU, from NVML. TorchSharp 0.107 exposes none of torch.cuda's memory statistics;
/// libtorch's caching allocator keeps what it reserved, so the in-use figure after a call is its peak reservation
/// (plus the CUDA context, ~0.3–0.5 GiB) — the figure that decides whether a model fits.
/// </summary>
internal static class GpuMemory
{
    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlInit_v2")]
    private static extern int Init();

    [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlDeviceGetHandleByIndex_v2")]
    private static extern int GetHandle(uint index, out nint device);

    [DllImport("libnvidia-ml.so.1", EntryPoint = "nvmlDeviceGetMemoryInfo")]
    private static extern int GetMemory(nint device, out NvmlMemory memory);

    /// <summary>MiB in use on GPU <paramref name="index"/>; null without NVML (no NVIDIA driver).</summary>
    public static double? UsedMiB(int index) => Read(index) is { } memory ? memory.Used / (1024.0 * 1024.0) : null;

    /// <summary>Bytes free on GPU <paramref name="index"/>; null without NVML (no NVIDIA driver).</summary>
    public static long? FreeBytes(int index) => Read(index) is { } memory ? (long)memory.Free : null;

    private static NvmlMemory? Read(int index)
    {
        try
        {
            if (Init() != 0 || GetHandle((uint)Math.Max(index, 0), out var device) != 0 || GetMemory(device, out var memory) != 0)
                return null;
            return memory;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
