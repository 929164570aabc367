using System.Diagnostics.CodeAnalysis;
using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// diffusers' Upsample2D: nearest-neighbour ×2 (or to an explicit size, which the UNet passes when the latent is not
/// a multiple of its overall down-sampling factor), then a 3×3 conv. A ×2 upsampling of a large channels-last map (the
/// VAE decoder's at 128² and 256² for a 512² image) runs as its sub-pixel equivalent (<see cref="SubPixelUpsampleConv"/>),
/// which never builds the upsampled map; <c>conv</c> keeps diffusers' weights.
/// </summary>
internal sealed class Upsample2D : nn.Module<Tensor, long[]?, Tensor>, IKernelSelectable
{
    private static readonly double[] TwoByTwo = [2.0, 2.0];

    /// <summary>
    /// Input pixels from which the sub-pixel form pays for its per-call weight preparation (docs/performance.md: faster
    /// on 128² and 256² channels-last maps, slower on 64² and on the UNet's NCHW maps of 16² and 32²).
    /// </summary>
    private const long MinSubPixelInputPixels = 128 * 128;

    private readonly Conv2d conv;
    private bool _winograd;

    public Upsample2D(int channels, int outChannels, ModelPlacement placement) : base(nameof(Upsample2D))
    {
        conv = nn.Conv2d(channels, outChannels, 3, stride: 1, padding: 1, device: placement.Device, dtype: placement.DType);
        SelectKernels(placement);
        RegisterComponents();
    }

    public ModelPlacement KernelsSelectedBy { get; private set; }

    [MemberNotNull(nameof(KernelsSelectedBy))]
    public void SelectKernels(ModelPlacement placement) => (KernelsSelectedBy, _winograd) = (placement, !placement.LibtorchConvolutions);

    /// <param name="outputSize">[H, W] to interpolate to; null for ×2.</param>
    public override Tensor forward(Tensor hiddenStates, long[]? outputSize)
    {
        if (outputSize is null && hiddenStates.IsChannelsLast() && hiddenStates.shape[2] * hiddenStates.shape[3] >= MinSubPixelInputPixels)
            return SubPixelUpsampleConv.Apply(conv, hiddenStates);
        using var upsampled = outputSize is null
            ? nn.functional.interpolate(hiddenStates, scale_factor: TwoByTwo, mode: InterpolationMode.Nearest)
            : nn.functional.interpolate(hiddenStates, size: outputSize, mode: InterpolationMode.Nearest);
        return conv.RunInInputDType(upsampled, _winograd);
    }

    /// <summary><see cref="forward"/> ×2 over a map in row bands, consuming it (<see cref="SubPixelUpsampleConv.ApplyBands"/>).</summary>
    public RowBands ForwardBands(RowBands hiddenStates) => SubPixelUpsampleConv.ApplyBands(conv, hiddenStates);
}
