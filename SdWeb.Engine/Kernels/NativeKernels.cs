using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SdWeb.Engine.Kernels;

/// <summary>
/// The engine's native library, <c>libsdweb_kernels.so</c>: <c>Kernels/*.c</c> compiled with the system C compiler when
/// the engine builds on Linux x64 (SdWeb.Engine.csproj).
/// </summary>
internal static class NativeKernels
{
    public const string Library = "sdweb_kernels";

    /// <summary>Why the library cannot be used here, or null where it can; <paramref name="probe"/> calls one of its functions.</summary>
    public static string? Unavailability(Action probe)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return "built for Linux x64 only";
        try
        {
            probe();
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"lib{Library}.so did not load ({e.Message}); the engine builds it with the system C compiler (gcc)";
        }
    }

    /// <summary>The first byte of a contiguous CPU tensor's storage, for a native call (keep the tensor alive across it).</summary>
    public static ref byte First(Tensor tensor) => ref MemoryMarshal.GetReference(tensor.bytes);
}
