using SdWeb.Engine.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// A float32 3×3 convolution on the CPU as Winograd F(4×4, 3×3) (<see cref="WinogradF43"/>): per 4×4 output tile, 36
/// multiplies per channel pair where the direct convolution spends 144, run as 36 matrix products over the tiles. The
/// kernel is transformed at each call (G g Gᵀ, in double) from the loaded weights, so LoRA merges, bf16 storage and the
/// checkpoint names are untouched. It changes the result by rounding only (tests hold it to libtorch's own float32
/// error against float64); on the decoder's and the UNet's wide layers it takes 0.4–0.6× libtorch's time
/// (docs/performance.md). The tiles run in chunks of rows, so the transformed tiles held at once stay a few tens of MiB.
/// </summary>
internal static class WinogradConv
{
    /// <summary>
    /// Fewest input and output channels: with 128 channels the 36 products are too thin for the matrix kernels, and the
    /// VAE's 128-channel layers at 512² ran 1.2–1.3× slower than libtorch's direct convolution.
    /// </summary>
    public const int MinChannels = 256;

    /// <summary>Fewest output pixels (over the batch): below, the kernel's transform costs more than the products save.</summary>
    public const long MinPixels = 4096;

    /// <summary>The largest transformed kernel, 36 × C × O floats: the UNet's 1280-channel layers (236 MiB) run directly.</summary>
    public const long MaxKernelBytes = 64L << 20;

    /// <summary>About how many floats of transformed tiles a chunk holds (36 × tiles × channels): ~38 MiB.</summary>
    private const long ChunkFloats = 36L << 18;

    /// <summary>Whether <paramref name="conv"/> on <paramref name="input"/> runs as Winograd here (inference only).</summary>
    public static bool Applies(Conv2d conv, Tensor input) =>
        Applies(conv.weight!, input) && conv.stride is [1, 1] && conv.dilation is [1, 1] && conv.groups == 1
        && conv.padding is [var padRows, var padColumns] && padRows <= 1 && padColumns <= 1;

    /// <summary>
    /// Whether a 3×3 kernel <paramref name="weight"/> on <paramref name="input"/> may run as Winograd; a map convolved in
    /// row bands with one transformed kernel gives the whole map's <paramref name="pixels"/>.
    /// </summary>
    public static bool Applies(Tensor weight, Tensor input, long? pixels = null)
    {
        var (outputs, inputs) = (weight.shape[0], weight.shape[1]);
        return input.device.type == DeviceType.CPU && input.dtype == ScalarType.Float32 && !is_grad_enabled()
            && weight.shape[2] == 3 && weight.shape[3] == 3 && input.dim() == 4 && input.shape[1] == inputs
            && inputs >= MinChannels && outputs >= MinChannels && inputs % WinogradF43.Lanes == 0 && outputs % WinogradF43.Lanes == 0
            && (pixels ?? input.shape[0] * input.shape[2] * input.shape[3]) >= MinPixels
            && WinogradF43.Positions * inputs * outputs * sizeof(float) <= MaxKernelBytes
            && input.numel() * sizeof(float) <= int.MaxValue && outputs * input.shape[0] * input.shape[2] * input.shape[3] * sizeof(float) <= int.MaxValue
            && WinogradF43.IsAvailable;
    }

    /// <summary><paramref name="conv"/>'s forward (zero or circular padding), for a call <see cref="Applies(Conv2d, Tensor)"/> allows.</summary>
    public static Tensor Forward(Conv2d conv, Tensor input)
    {
        using var kernel = Kernel(conv.weight!);
        using var bias = conv.bias?.to(ScalarType.Float32);
        var (padRows, padColumns) = ((int)conv.padding![0], (int)conv.padding[1]);
        if (conv.padding_mode == PaddingModes.Zeros) return Forward(kernel, bias, input, padRows, padColumns);
        using var padded = nn.functional.pad(input, [padColumns, padColumns, padRows, padRows], conv.padding_mode);
        return Forward(kernel, bias, padded, 0, 0, input.IsChannelsLast());
    }

    /// <summary>The transformed kernel of a 3×3 <paramref name="weight"/> in any dtype, for <see cref="Forward(Tensor, Tensor?, Tensor, int, int)"/>.</summary>
    public static Tensor Kernel(Tensor weight)
    {
        using var wide = weight.to(ScalarType.Float32);
        using var inputsFirst = wide.permute(1, 2, 3, 0); // a view: it would hold a widened copy until the caller's scope ends
        using var packed = inputsFirst.contiguous();
        return WinogradF43.Kernel(packed);
    }

    /// <summary>
    /// The convolution of <paramref name="input"/> [N, C, H, W] by a transformed kernel, zero-padded by
    /// <paramref name="padRows"/> and <paramref name="padColumns"/> on each side: [N, O, H + 2·padRows − 2, …], in the
    /// input's memory format (channels-last stays channels-last) unless <paramref name="channelsLast"/> says which.
    /// </summary>
    public static Tensor Forward(Tensor kernel, Tensor? bias, Tensor input, int padRows, int padColumns, bool? channelsLast = null)
    {
        KernelUse.CountWinograd();
        using var scope = NewDisposeScope();
        var (batch, height, width) = ((int)input.shape[0], (int)input.shape[2], (int)input.shape[3]);
        var (inputs, outputs) = ((int)kernel.shape[1], (int)kernel.shape[2]);
        var (outHeight, outWidth) = (height + 2 * padRows - 2, width + 2 * padColumns - 2);
        var nhwc = input.permute(0, 2, 3, 1).contiguous();
        var output = empty([batch, outHeight, outWidth, outputs], dtype: ScalarType.Float32);
        var (tileRows, tileColumns) = ((outHeight + 3) / 4, (outWidth + 3) / 4);
        var rowsPerChunk = (int)Math.Clamp(ChunkFloats / (WinogradF43.Positions * (long)batch * tileColumns * Math.Max(inputs, outputs)), 1, tileRows);
        for (var row0 = 0; row0 < tileRows; row0 += rowsPerChunk)
        {
            using var chunk = NewDisposeScope();
            var row1 = Math.Min(tileRows, row0 + rowsPerChunk);
            var tiles = empty([WinogradF43.Positions, batch * (row1 - row0) * tileColumns, inputs], dtype: ScalarType.Float32);
            WinogradF43.Input(nhwc, tiles, padRows, padColumns, outWidth, row0, row1);
            var products = bmm(tiles, kernel);
            WinogradF43.Output(products, bias, output, row0, row1);
        }
        var nchw = output.permute(0, 3, 1, 2);
        return (channelsLast ?? input.IsChannelsLast() ? nchw : nchw.contiguous()).MoveToOuterDisposeScope();
    }
}
