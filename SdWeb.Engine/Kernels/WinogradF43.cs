using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SdWeb.Engine.Kernels;

/// <summary>
/// The three transforms of Winograd F(4×4, 3×3) for float32 on the CPU (<c>Kernels/winograd_f32.c</c>); the 36 matrix
/// products between them are libtorch's (<see cref="Models.Layers.WinogradConv"/> runs the whole convolution). Tensors
/// are contiguous float32 on the CPU; maps channels-last, [N, H, W, C]; channel counts multiples of <see cref="Lanes"/>.
/// </summary>
internal static class WinogradF43
{
    /// <summary>The transforms work on this many channels at a time.</summary>
    public const int Lanes = 16;

    /// <summary>Positions of a transformed tile: 6 × 6.</summary>
    public const int Positions = 36;

    private static readonly Lazy<string?> Unavailability = new(() =>
        NativeKernels.Unavailability(() => sdweb_winograd_kernel(ref Unsafe.NullRef<byte>(), ref Unsafe.NullRef<byte>(), 0, 0, 1)));

    /// <summary>Whether the transforms run here.</summary>
    public static bool IsAvailable => Unavailability.Value is null;

    /// <summary>Why they do not, or null.</summary>
    public static string? WhyUnavailable => Unavailability.Value;

    /// <summary>The kernel, laid out [C, 3, 3, O], transformed: G g Gᵀ per channel pair (in double), laid out [36, C, O].</summary>
    public static Tensor Kernel(Tensor weight)
    {
        var (inputs, outputs) = ((int)weight.shape[0], (int)weight.shape[3]);
        var transformed = empty([Positions, inputs, outputs], dtype: ScalarType.Float32);
        Check(sdweb_winograd_kernel(ref NativeKernels.First(weight), ref NativeKernels.First(transformed), outputs, inputs, get_num_threads()));
        GC.KeepAlive(weight);
        return transformed;
    }

    /// <summary>
    /// Bᵀ d B of the 6×6 input tiles of output tile rows [<paramref name="row0"/>, <paramref name="row1"/>) into
    /// <paramref name="tiles"/> [36, T, C]; the input <paramref name="nhwc"/> is read as padded by
    /// <paramref name="padTop"/> rows and <paramref name="padLeft"/> columns of zeros (and as much as the tiles reach beyond).
    /// </summary>
    public static void Input(Tensor nhwc, Tensor tiles, int padTop, int padLeft, int outWidth, int row0, int row1)
    {
        Check(sdweb_winograd_input(ref NativeKernels.First(nhwc), ref NativeKernels.First(tiles), (int)nhwc.shape[0], (int)nhwc.shape[1],
            (int)nhwc.shape[2], (int)nhwc.shape[3], padTop, padLeft, outWidth, row0, row1, get_num_threads()));
        GC.KeepAlive(nhwc);
        GC.KeepAlive(tiles);
    }

    /// <summary>Aᵀ m A (+ bias) of the products <paramref name="products"/> [36, T, O] into their rows of <paramref name="nhwc"/>.</summary>
    public static void Output(Tensor products, Tensor? bias, Tensor nhwc, int row0, int row1)
    {
        ref var biasStart = ref bias is null ? ref Unsafe.NullRef<byte>() : ref NativeKernels.First(bias);
        Check(sdweb_winograd_output(ref NativeKernels.First(products), ref biasStart, ref NativeKernels.First(nhwc), (int)nhwc.shape[0],
            (int)nhwc.shape[1], (int)nhwc.shape[2], (int)nhwc.shape[3], row0, row1, get_num_threads()));
        GC.KeepAlive(products);
        GC.KeepAlive(bias);
        GC.KeepAlive(nhwc);
    }

    private static void Check(int status)
    {
        if (status == -2) throw new InsufficientMemoryException("Out of memory for the Winograd transforms' working space.");
        if (status != 0) throw new ArgumentException($"The Winograd transforms take channel counts that are multiples of {Lanes}.");
    }

    [DllImport(NativeKernels.Library, ExactSpelling = true)]
    private static extern int sdweb_winograd_kernel(ref byte weight, ref byte transformed, int outputs, int inputs, int threads);

    [DllImport(NativeKernels.Library, ExactSpelling = true)]
    private static extern int sdweb_winograd_input(ref byte input, ref byte tiles, int batch, int height, int width, int channels,
        int padTop, int padLeft, int outWidth, int row0, int row1, int threads);

    [DllImport(NativeKernels.Library, ExactSpelling = true)]
    private static extern int sdweb_winograd_output(ref byte products, ref byte bias, ref byte output, int batch, int outHeight,
        int outWidth, int outputs, int row0, int row1, int threads);
}
