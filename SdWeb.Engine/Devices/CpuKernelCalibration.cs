using System.Collections.Concurrent;
using SdWeb.Engine.Kernels;

namespace SdWeb.Engine.Devices;

/// <summary>
/// Which of SdWeb's own CPU kernels pay on this machine: Winograd for the float32 convolutions, the AVX-512 BF16 attention.
/// Whether they run at all is decided by what the CPU has; whether they are faster than libtorch's depends on the CPU too
/// (they were tuned on two of the kinds seen), so auto races each against libtorch's once per machine
/// (<see cref="KernelRace"/>) and takes it only where it wins. Kept for the process and in the cache folder.
/// </summary>
internal static class CpuKernelCalibration
{
    /// <summary>Part of a cached result's key: a new race measures again what an old one chose.</summary>
    public const string Version = "kernel race 1";

    /// <summary>Where the races are cached, in <see cref="EngineOptions.CacheDir"/>.</summary>
    public const string CacheFileName = "cpu-kernel-calibration.json";

    private static readonly ConcurrentDictionary<string, Lazy<CpuKernelCalibrationResult>> RacedInThisProcess = new();

    /// <summary>This machine's result: raced once per process (concurrent first callers wait for one race), cached across processes.</summary>
    public static CpuKernelCalibrationResult Choose(EngineOptions options) =>
        ChooseOncePerProcess(options, $"{MachineKey.Current()}, {Version}", Measure, RacedInThisProcess);

    /// <summary>
    /// The result for <paramref name="key"/> from <paramref name="raced"/>, or raced (or read from the cache) and kept there.
    /// A race that throws (out of memory, say) is not kept: the next model load races again instead of failing the same way.
    /// </summary>
    internal static CpuKernelCalibrationResult ChooseOncePerProcess(EngineOptions options, string key,
        Func<string, CpuKernelCalibrationResult> measure, ConcurrentDictionary<string, Lazy<CpuKernelCalibrationResult>> raced)
    {
        var ranHere = false;
        var once = raced.GetOrAdd(key, k => new(() =>
        {
            ranHere = true;
            return Choose(options, k, measure);
        }));
        try
        {
            var result = once.Value;
            if (!ranHere) options.Log?.Invoke(result.Describe("raced earlier in this process"));
            return result;
        }
        catch
        {
            raced.TryRemove(KeyValuePair.Create(key, once));
            throw;
        }
    }

    internal static CpuKernelCalibrationResult Choose(EngineOptions options, string key, Func<string, CpuKernelCalibrationResult> measure) =>
        CalibrationCache<CpuKernelCalibrationResult>.FindOrMeasure(options, CacheFileName, key, measure);

    /// <summary>Races each kernel family whose SdWeb kernel can run on this CPU.</summary>
    internal static CpuKernelCalibrationResult Measure(string key) => new(key,
        WinogradF43.IsAvailable ? KernelRace.Convolutions() : null,
        Bf16FlashAttention.IsAvailable ? KernelRace.Attention() : null);
}
