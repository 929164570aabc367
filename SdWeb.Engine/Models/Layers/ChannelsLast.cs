using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// PyTorch's channels_last memory format, which TorchSharp has no argument for: an [N, C, H, W] tensor whose channels
/// are the innermost dimension in memory. A convolution given such an input runs oneDNN's NHWC kernels and returns
/// channels-last output, and GroupNorm, SiLU, nearest upsampling and residual adds keep the layout, so converting a
/// network's input carries the format through it (docs/performance.md has the VAE figures).
/// </summary>
internal static class ChannelsLast
{
    /// <summary>The same values as <paramref name="nchw"/>, [N, C, H, W], stored as N, H, W, C.</summary>
    public static Tensor ToChannelsLast(this Tensor nchw)
    {
        using var nhwc = nchw.permute(0, 2, 3, 1);
        using var packed = nhwc.contiguous();
        return packed.permute(0, 3, 1, 2);
    }

    /// <summary>Whether a 4-d tensor's channels are innermost in memory (and there is more than one).</summary>
    public static bool IsChannelsLast(this Tensor tensor) => tensor.dim() == 4 && tensor.shape[1] > 1 && tensor.stride(1) == 1;
}
