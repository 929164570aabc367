using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// How the UNet and the VAE mix precisions: weights are stored in the placement's dtype, activations are kept in
/// <see cref="ActivationDType"/>, and every layer computes in the activations' dtype, widening its weights on the fly
/// when they are stored narrower. On the CPU activations are float32 unless the placement computes in its weights' dtype
/// (bf16-compute): on CPUs whose bf16 kernels are no faster than fp32 (docs/performance.md) float32 compute is as fast and
/// drifts under 1 % from fp32 where bf16 arithmetic drifts ~2 %. On a GPU activations are in the weights' dtype, as
/// diffusers runs fp16.
/// </summary>
internal static class MixedPrecision
{
    public static ScalarType ActivationDType(ModelPlacement placement) =>
        placement.Device.type == DeviceType.CPU && !placement.ComputeInWeightDType ? ScalarType.Float32 : placement.DType;

    /// <summary>A convolution or linear layer (or any other module) applied in its input's dtype.</summary>
    public static Tensor RunInInputDType(this nn.Module<Tensor, Tensor> layer, Tensor input) => layer switch
    {
        Conv2d conv when conv.weight!.dtype != input.dtype => Widened(conv.weight, conv.bias, input, (w, b) =>
            nn.functional.conv2d(input, w, b, conv.stride, conv.padding, conv.dilation, conv.groups)),
        Linear linear when linear.weight!.dtype != input.dtype => Widened(linear.weight, linear.bias, input, (w, b) =>
            nn.functional.linear(input, w, b)),
        _ => layer.forward(input),
    };

    private static Tensor Widened(Tensor weight, Tensor? bias, Tensor input, Func<Tensor, Tensor?, Tensor> apply)
    {
        using var wideWeight = weight.to(input.dtype);
        using var wideBias = bias?.to(input.dtype);
        return apply(wideWeight, wideBias);
    }
}
