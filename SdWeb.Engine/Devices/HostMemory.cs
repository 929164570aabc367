using System.Runtime.InteropServices;

namespace SdWeb.Engine.Devices;

/// <summary>
/// Hands memory that freed tensors left in the C heap back to the OS. glibc serves allocations below its adaptive mmap
/// threshold (up to 32 MiB) from heaps it keeps: after the UNet's steps ~0.7 GiB of freed activations stay resident,
/// and the 512² VAE decode would add its own on top. For a phase of many band-sized blocks it can also have glibc map
/// them instead (<see cref="MapBlocksFrom"/>). A no-op where the C library has no <c>malloc_trim</c> or <c>mallopt</c>.
/// </summary>
internal static class HostMemory
{
    private static bool _unavailable;

    private static void ReleaseFreed()
    {
        if (_unavailable || !OperatingSystem.IsLinux()) return;
        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true; // musl and other C libraries without it
        }
    }

    /// <summary>
    /// <see cref="ReleaseFreed"/> between a model's blocks, at inference only: a training step records its activations for
    /// the backward pass, so there is little to hand back, and what is handed back is faulted in again at the next step.
    /// </summary>
    public static void ReleaseFreedBetweenBlocks()
    {
        if (!TorchSharp.torch.is_grad_enabled()) ReleaseFreed();
    }

    /// <summary>
    /// Until disposed, glibc maps every block of <paramref name="bytes"/> or more and unmaps it when it is freed, instead of
    /// keeping it in its heaps, whose freed blocks of one size stay resident under the next allocations of another. Each
    /// such block is faulted in afresh, so this is for memory-bound phases of large blocks only. Afterwards the threshold
    /// stays fixed at glibc's adaptive maximum (32 MiB), where the adaptive one settles once a few large blocks were freed.
    /// </summary>
    public static IDisposable MapBlocksFrom(long bytes)
    {
        if (!SetMmapThreshold(bytes)) return NoRestore.Instance;
        return new ThresholdRestore();
    }

    private const int MmapThresholdParameter = -3; // M_MMAP_THRESHOLD
    private const long AdaptiveMmapThresholdMax = 32L << 20; // DEFAULT_MMAP_THRESHOLD_MAX on 64-bit

    private static bool SetMmapThreshold(long bytes)
    {
        if (_unavailable || !OperatingSystem.IsLinux()) return false;
        try
        {
            return mallopt(MmapThresholdParameter, (int)bytes) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
            return false;
        }
    }

    private sealed class ThresholdRestore : IDisposable
    {
        public void Dispose() => SetMmapThreshold(AdaptiveMmapThresholdMax);
    }

    private sealed class NoRestore : IDisposable
    {
        public static NoRestore Instance { get; } = new();
        public void Dispose() { }
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern int malloc_trim(nuint pad);

    [DllImport("libc", ExactSpelling = true)]
    private static extern int mallopt(int param, int value);
}
