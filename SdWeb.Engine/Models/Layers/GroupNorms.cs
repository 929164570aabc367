using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

public static class GroupNorms
{
    /// <summary>
    /// An affine GroupNorm on the placement, with PyTorch's initial weight 1 and bias 0. TorchSharp 0.107's
    /// <c>nn.GroupNorm(..., device, dtype)</c> leaves them uninitialised, which only shows in a model that is not
    /// loaded from a checkpoint, but then as NaNs.
    /// </summary>
    public static GroupNorm Create(int numGroups, int numChannels, double eps, ModelPlacement placement)
    {
        var norm = nn.GroupNorm(numGroups, numChannels, eps, affine: true, device: placement.Device, dtype: placement.DType);
        using var _ = no_grad();
        norm.weight!.fill_(1);
        norm.bias!.zero_();
        return norm;
    }
}
