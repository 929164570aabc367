using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// GroupNorm → activation → convolution, the pre-activation sequence of every ResnetBlock2D and of the UNet's and the
/// VAE's output heads, with one intermediate where a plain composition holds three: at 512² a VAE feature map is
/// 128–256 MiB. The convolution may run as Winograd where <paramref name="winograd"/> allows it (the output heads' few
/// channels never qualify).
/// </summary>
internal static class NormActConv
{
    public static Tensor Apply(Float32GroupNorm norm, nn.Module<Tensor, Tensor> activation, Conv2d conv, Tensor input, bool winograd = false)
    {
        using var normed = norm.forward(input); // the norm's own output, so the activation may overwrite it
        using var activated = Activations.ApplyInPlace(activation, normed);
        return conv.RunInInputDType(activated, winograd);
    }
}
