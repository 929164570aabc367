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

    /// <summary>
    /// The width of oneDNN's CPU channel blocks, in floats. Two of libtorch 2.10's convolution faults are about output
    /// channels that do not fill them: the bf16 forward with fewer outputs than a block loses ~25 % (relative L2; 3, 4, 8
    /// and 12 outputs measured, 16 and more are at bf16's 3e-3), so those convolutions — the UNet's and the VAE's output
    /// heads, a negligible share of the work — compute in float32 and hand back bf16; for the float32 backward see
    /// <see cref="BlockAlignedConv"/>.
    /// </summary>
    public const int OneDnnChannelBlock = 16;

    /// <summary>
    /// Whether libtorch's own GroupNorm and LayerNorm take <paramref name="input"/> with float32 weights and compute in
    /// float32: its CPU kernels do for bf16 (mixed-dtype, the result rounded to bf16 once). That is the float32 norm
    /// without the two float32 copies of the input a widening would make, each twice the bf16 map (at 512² the VAE's are
    /// 64–128 MiB in bf16), the largest part of a bf16-compute decode's peak (docs/performance.md).
    /// </summary>
    public static bool NormsInFloat32Natively(Tensor input) =>
        input.dtype == ScalarType.BFloat16 && input.device.type == DeviceType.CPU;

    /// <summary>The dtype <paramref name="conv"/> computes in: the input's, but see <see cref="OneDnnChannelBlock"/>.</summary>
    public static ScalarType ConvDType(Conv2d conv, Tensor input) =>
        input.dtype == ScalarType.BFloat16 && input.device.type == DeviceType.CPU && conv.weight!.shape[0] < OneDnnChannelBlock
            ? ScalarType.Float32 : input.dtype;

    /// <summary>
    /// A convolution or linear layer (or any other module) applied in its input's dtype; a convolution runs as Winograd
    /// where <see cref="WinogradConv.Applies(Conv2d, Tensor)"/> and <paramref name="winograd"/> (the placement's choice,
    /// <see cref="Devices.ModelPlacement.LibtorchConvolutions"/>) allow it.
    /// </summary>
    public static Tensor RunInInputDType(this nn.Module<Tensor, Tensor> layer, Tensor input, bool winograd = false) => layer switch
    {
        Conv2d conv when winograd && WinogradConv.Applies(conv, input) => WinogradConv.Forward(conv, input),
        Conv2d conv when ConvDType(conv, input) != input.dtype => InFloat32(conv, input),
        Conv2d conv when conv.weight!.dtype != input.dtype => WidenedInGroups(conv.weight, conv.bias, input, channelDim: 1,
            (w, b) => Convolve(conv, input, w, b)),
        Linear linear when linear.weight!.dtype != input.dtype => WidenedInGroups(linear.weight, linear.bias, input, channelDim: -1,
            (w, b) => nn.functional.linear(input, w, b)),
        Conv2d conv when BlockAlignedConv.Applies(conv, input) => BlockAlignedConv.Forward(conv, input),
        _ => layer.forward(input),
    };

    private static Tensor InFloat32(Conv2d conv, Tensor input)
    {
        using var wide = input.to(ScalarType.Float32);
        using var output = Widened(conv.weight!, conv.bias, wide, (w, b) => Convolve(conv, wide, w, b));
        return output.to(input.dtype);
    }

    /// <summary>Conv2d's own forward with other weights: a padding mode other than zeros pads first (tiling's circular).</summary>
    public static Tensor Convolve(Conv2d conv, Tensor input, Tensor weight, Tensor? bias)
    {
        if (conv.padding_mode == PaddingModes.Zeros)
            return nn.functional.conv2d(input, weight, bias, conv.stride, conv.padding, conv.dilation, conv.groups);
        long[] padding = conv.padding ?? [0, 0];
        using var padded = nn.functional.pad(input, [padding[1], padding[1], padding[0], padding[0]], conv.padding_mode);
        return nn.functional.conv2d(padded, weight, bias, conv.stride, [0, 0], conv.dilation, conv.groups);
    }

    /// <summary>
    /// The most bytes of a weight widened at once. The UNet's 1280-channel 3×3 kernels are 59–118 MiB in float32, and
    /// oneDNN reorders a fresh kernel into a second copy of that size: at the 8² and 16² blocks, where the activations
    /// are a few MiB, a whole widened kernel would be the largest thing live in the step (docs/performance.md).
    /// </summary>
    private const long MaxWidenedWeightBytes = 16L << 20;

    /// <summary>
    /// <see cref="Widened"/> in groups of output channels of at most <see cref="MaxWidenedWeightBytes"/>, their outputs
    /// concatenated along <paramref name="channelDim"/>: each output channel is computed from the same weights and
    /// inputs, so the result is the whole layer's.
    /// </summary>
    private static Tensor WidenedInGroups(Tensor weight, Tensor? bias, Tensor input, long channelDim, Func<Tensor, Tensor?, Tensor> apply)
    {
        var outputs = weight.shape[0];
        var groups = (int)Math.Min(outputs, (weight.numel() * input.ElementSize + MaxWidenedWeightBytes - 1) / MaxWidenedWeightBytes);
        if (groups <= 1) return Widened(weight, bias, input, apply);
        using var scope = NewDisposeScope();
        var perGroup = (outputs + groups - 1) / groups;
        var parts = new List<Tensor>(groups);
        for (var start = 0L; start < outputs; start += perGroup)
        {
            var count = Math.Min(perGroup, outputs - start);
            using var groupWeight = weight.narrow(0, start, count);
            using var groupBias = bias?.narrow(0, start, count);
            parts.Add(Widened(groupWeight, groupBias, input, apply));
        }
        return cat(parts, channelDim).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="conv"/>'s weight and bias in <paramref name="dtype"/>: new handles the caller disposes.</summary>
    public static (Tensor Weight, Tensor? Bias) WeightsIn(Conv2d conv, ScalarType dtype) =>
        (conv.weight!.to(dtype), conv.bias?.to(dtype));

    private static Tensor Widened(Tensor weight, Tensor? bias, Tensor input, Func<Tensor, Tensor?, Tensor> apply)
    {
        using var wideWeight = weight.to(input.dtype);
        using var wideBias = bias?.to(input.dtype);
        return apply(wideWeight, wideBias);
    }
}
