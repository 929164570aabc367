using System.Runtime.InteropServices;

namespace SdWeb.Engine.Devices;

/// <summary>
/// Hands memory that freed tensors left in the C heap back to the OS. glibc serves allocations below its adaptive mmap
/// threshold (up to 32 MiB), and larger ones that fit a hole in its heaps, from heaps it keeps: after the UNet's steps
/// ~0.7 GiB of freed activations stay resident, and the 512² VAE decode would add its own on top. A no-op where the C
/// library has no <c>malloc_trim</c>.
/// </summary>
internal static class HostMemory
{
    private static bool _unavailable;

    private static void Trim()
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
    /// Hands the C heap's freed memory back, at inference only (between a model's blocks, after a row band): a training
    /// step records its activations for the backward pass, so there is little to hand back, and what is handed back is
    /// faulted in again at the next step.
    /// </summary>
    public static void ReleaseFreed()
    {
        if (!TorchSharp.torch.is_grad_enabled()) Trim();
    }

    [DllImport("libc", ExactSpelling = true)]
    private static extern int malloc_trim(nuint pad);
}
