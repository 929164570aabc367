using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>diffusers' randn_tensor: draw on the CPU from the (CPU) generator, then move to the target's device.</summary>
internal static class Noise
{
    public static Tensor Randn(Tensor like, Generator? generator)
    {
        using var cpu = randn(like.shape, dtype: like.dtype, device: CPU, generator: generator);
        return cpu.to(like.device);
    }
}
