using System.Runtime.InteropServices;

namespace SdWeb.Tests.Support;

/// <summary>
/// libtorch's process-wide switches for its optional CPU kernel libraries (PyTorch's <c>torch.backends.mkldnn.enabled</c>
/// and <c>torch.backends.nnpack.enabled</c>), which TorchSharp does not expose: set through the C++ symbols libtorch_cpu
/// exports. <see cref="AtenOnly"/> makes convolutions take ATen's own kernels (im2col + GEMM) until disposed; NNPACK goes
/// off with oneDNN because ATen would otherwise try it on every call and warn that this CPU has none. Tests use ATen's
/// kernels as a second, independent computation of what oneDNN's compute; the switches are process-wide, so such tests run
/// alone.
/// </summary>
internal static class CpuKernelChoice
{
    private const string Library = "libtorch_cpu";

    /// <summary>Turns oneDNN and NNPACK off for the calling code; the previous switches come back on dispose.</summary>
    public static IDisposable AtenOnly()
    {
        var context = GlobalContext();
        var restore = new Restore(context, UserEnabledMkldnn(context), UserEnabledNnpack(context));
        SetUserEnabledMkldnn(context, false);
        SetUserEnabledNnpack(context, false);
        return restore;
    }

    private sealed class Restore(nint context, bool mkldnn, bool nnpack) : IDisposable
    {
        public void Dispose()
        {
            SetUserEnabledMkldnn(context, mkldnn);
            SetUserEnabledNnpack(context, nnpack);
        }
    }

    [DllImport(Library, EntryPoint = "_ZN2at13globalContextEv", ExactSpelling = true)]
    private static extern nint GlobalContext();

    [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv", ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledMkldnn(nint context);

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb", ExactSpelling = true)]
    private static extern void SetUserEnabledMkldnn(nint context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv", ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledNnpack(nint context);

    [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb", ExactSpelling = true)]
    private static extern void SetUserEnabledNnpack(nint context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
