using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Devices;

/// <summary>
/// diffusers' randn_tensor: draw on the CPU from the (CPU) generator, then move to the target's device, so a seed gives
/// the same noise on every device. Always drawn in float32 and then cast: libtorch draws a different sequence for
/// bf16/fp16 tensors, and a seed should give the same image in every precision.
/// </summary>
internal static class SeededNoise
{
    public static Tensor Randn(long[] shape, ScalarType dtype, Device device, Generator? generator)
    {
        using var cpu = randn(shape, dtype: ScalarType.Float32, device: CPU, generator: generator);
        return cpu.to(dtype, device);
    }

    public static Tensor Randn(Tensor like, Generator? generator) => Randn(like.shape, like.dtype, like.device, generator);
}
