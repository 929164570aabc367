using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// diffusers' Downsample2D with a stride-2 3×3 conv. With padding 0 (the VAE encoder) the input is first padded
/// asymmetrically by one on the right and bottom, as the original LDM code did.
/// </summary>
internal sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly int _padding;

    public Downsample2D(int channels, int outChannels, int padding, ModelPlacement placement) : base(nameof(Downsample2D))
    {
        conv = nn.Conv2d(channels, outChannels, 3, stride: 2, padding: padding, device: placement.Device, dtype: placement.DType);
        _padding = padding;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates)
    {
        if (_padding != 0) return conv.RunInInputDType(hiddenStates);
        using var padded = nn.functional.pad(hiddenStates, (0, 1, 0, 1), PaddingModes.Constant, 0);
        return conv.RunInInputDType(padded);
    }
}
