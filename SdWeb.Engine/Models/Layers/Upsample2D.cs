using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// diffusers' Upsample2D: nearest-neighbour ×2 (or to an explicit size, which the UNet passes when the latent is not
/// a multiple of its overall down-sampling factor), then a 3×3 conv.
/// </summary>
internal sealed class Upsample2D : nn.Module<Tensor, long[]?, Tensor>
{
    private static readonly double[] TwoByTwo = [2.0, 2.0];
    private readonly Conv2d conv;

    public Upsample2D(int channels, int outChannels, ModelPlacement placement) : base(nameof(Upsample2D))
    {
        conv = nn.Conv2d(channels, outChannels, 3, stride: 1, padding: 1, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    /// <param name="outputSize">[H, W] to interpolate to; null for ×2.</param>
    public override Tensor forward(Tensor hiddenStates, long[]? outputSize)
    {
        using var upsampled = outputSize is null
            ? nn.functional.interpolate(hiddenStates, scale_factor: TwoByTwo, mode: InterpolationMode.Nearest)
            : nn.functional.interpolate(hiddenStates, size: outputSize, mode: InterpolationMode.Nearest);
        return conv.RunInInputDType(upsampled);
    }
}
