using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// libtorch 2.10's oneDNN convolution backward on the CPU returns a wrong input gradient for an NCHW input when the output
/// channels are not a multiple of its 16-float block: 18–36 % off in relative L2, and NaN when its unwritten padding lanes
/// hold NaN (3, 4, 5, 8, 12, 20 and 24 outputs measured wrong, 16, 32 and 48 exact; batch ≥ 2; ATen's own kernels and
/// oneDNN's channels-last path exact). The UNet's output head (4 outputs, NCHW) is such a convolution, so everything
/// trained behind it got that gradient; the VAE runs channels-last and was spared. While gradients are recorded such a
/// convolution runs with zero filters appended up to a whole block, and the extra outputs, all zero, are cut off: the
/// same forward values, a backward oneDNN computes right. Inference, which records no gradients, is untouched.
/// </summary>
internal static class BlockAlignedConv
{
    private const int Block = MixedPrecision.OneDnnChannelBlock;

    /// <remarks>Grouped convolutions (none in SD) are left alone: appended filters would change the groups' split.</remarks>
    public static bool Applies(Conv2d conv, Tensor input) =>
        is_grad_enabled() && input.requires_grad && input.device.type == DeviceType.CPU && conv.weight!.shape[0] % Block != 0
        && conv.groups == 1;

    public static Tensor Forward(Conv2d conv, Tensor input)
    {
        var weight = conv.weight!;
        var outputs = weight.shape[0];
        var extra = Block - outputs % Block;
        using var zeroFilters = zeros([extra, .. weight.shape[1..]], weight.dtype, weight.device);
        using var alignedWeight = cat([weight, zeroFilters]);
        using var zeroBiases = conv.bias is null ? null : zeros(extra, conv.bias.dtype, conv.bias.device);
        using var alignedBias = conv.bias is null ? null : cat([conv.bias, zeroBiases!]);
        using var aligned = MixedPrecision.Convolve(conv, input, alignedWeight, alignedBias);
        return aligned.narrow(1, 0, outputs);
    }
}
