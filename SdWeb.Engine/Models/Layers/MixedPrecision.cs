using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// How the UNet and the VAE mix precisions: weights are stored in the placement's dtype, activations are kept in
/// <see cref="ActivationDType"/>, and every layer computes in the activations' dtype, widening its weights on the fly
/// when they are stored narrower. On the CPU activations are float32: this CPU's bf16 kernels are no faster than
/// its fp32 ones (docs/performance.md), and bf16 arithmetic drifts 1.2–1.6 % from fp32 where bf16 weights alone drift
/// under 1 %. On a GPU activations are in the weights' dtype, as diffusers runs fp16.
/// </summary>
internal static class MixedPrecision
{
    public static ScalarType ActivationDType(ModelPlacement placement) =>
        placement.Device.type == DeviceType.CPU ? ScalarType.Float32 : placement.DType;

    /// <summary>A convolution or linear layer (or any other module) applied in its input's dtype.</summary>
    public static Tensor RunInInputDType(this nn.Module<Tensor, Tensor> layer, Tensor input) => layer switch
    {
        Conv2d conv when conv.weight!.dtype != input.dtype => Widened(conv.weight, conv.bias, input, (w, b) => Convolve(conv, input, w, b)),
        Linear linear when linear.weight!.dtype != input.dtype => Widened(linear.weight, linear.bias, input, (w, b) =>
            nn.functional.linear(input, w, b)),
        _ => layer.forward(input),
    };

    /// <summary>Conv2d's own forward with other weights: a padding mode other than zeros pads first (tiling's circular).</summary>
    private static Tensor Convolve(Conv2d conv, Tensor input, Tensor weight, Tensor? bias)
    {
        if (conv.padding_mode == PaddingModes.Zeros)
            return nn.functional.conv2d(input, weight, bias, conv.stride, conv.padding, conv.dilation, conv.groups);
        long[] padding = conv.padding ?? [0, 0];
        using var padded = nn.functional.pad(input, [padding[1], padding[1], padding[0], padding[0]], conv.padding_mode);
        return nn.functional.conv2d(padded, weight, bias, conv.stride, [0, 0], conv.dilation, conv.groups);
    }

    private static Tensor Widened(Tensor weight, Tensor? bias, Tensor input, Func<Tensor, Tensor?, Tensor> apply)
    {
        using var wideWeight = weight.to(input.dtype);
        using var wideBias = bias?.to(input.dtype);
        return apply(wideWeight, wideBias);
    }
}
