using System.Globalization;
using SdWeb.Engine.Benchmarks;

namespace SdWeb.Generation;

/// <summary>
/// What a worker advertises as its free memory: on a CUDA device the GPU's free bytes (NVML, through the engine), on
/// the CPU the machine's MemAvailable — what the kernel can hand out without swapping, which the GC's figures are not.
/// </summary>
public static class FreeMemory
{
    public const string MemInfo = "/proc/meminfo";

    /// <summary>Free bytes for <paramref name="device"/> ("cpu", "cuda", "cuda:1", "auto"); null where neither source exists.</summary>
    public static long? Bytes(string device)
    {
        if (device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase)) return BenchMemory.GpuFreeBytes(CudaIndex(device));
        // "auto" runs on the first GPU when there is one.
        if (device.Equals("auto", StringComparison.OrdinalIgnoreCase) && BenchMemory.GpuFreeBytes(0) is { } gpu) return gpu;
        return MemAvailable(MemInfo);
    }

    /// <summary>MemAvailable of a meminfo file, in bytes (the file says kB); null when it is absent or has no such line.</summary>
    public static long? MemAvailable(string path)
    {
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            var kb = line["MemAvailable:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
        }
        return null;
    }

    private static int CudaIndex(string device)
    {
        var colon = device.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? 0 : int.Parse(device[(colon + 1)..], CultureInfo.InvariantCulture);
    }
}
