namespace SdWeb.Engine.Benchmarks;

/// <summary>What a benchmarked model takes in memory.</summary>
/// <param name="Parameters">Parameters of the three models.</param>
/// <param name="WeightsMiB">Their size in <paramref name="DType"/>.</param>
/// <param name="PeakResidentMiB">The process's peak resident set; null where /proc is absent.</param>
/// <param name="OnCuda">Whether the model runs on a CUDA GPU.</param>
/// <param name="GpuUsedMiB">
/// On CUDA, the device memory in use (<see cref="GpuMemoryNote"/>); null without NVML.
/// </param>
public sealed record BenchMemory(long Parameters, double WeightsMiB, string DType, double? PeakResidentMiB, bool OnCuda, double? GpuUsedMiB)
{
    /// <summary>Why <see cref="GpuUsedMiB"/> is the peak, for printing beside it.</summary>
    public const string GpuMemoryNote = "libtorch's caching allocator keeps its peak reservation";

    /// <summary>Bytes free now on CUDA GPU <paramref name="index"/> (NVML); null without an NVIDIA driver.</summary>
    public static long? GpuFreeBytes(int index) => GpuMemory.FreeBytes(index);
}
