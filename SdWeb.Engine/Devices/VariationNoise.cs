using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Devices;

/// <summary>
/// AUTOMATIC1111's variation seeds (modules/rng.py ImageRNG with RNG source "CPU"): each image's initial noise is the
/// slerp of randn(seed) and randn(subseed + i), each drawn per image from a fresh CPU generator. As in A1111 every
/// image of the batch uses the same seed; only the subseed counts up.
/// </summary>
internal static class VariationNoise
{
    /// <param name="shape">[batch, C, H, W] latents.</param>
    public static Tensor Randn(long[] shape, long seed, long subseed, double strength, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        long[] imageShape = shape[1..];
        var seedNoise = Draw(seed, imageShape);
        var images = Enumerable.Range(0, (int)shape[0])
            .Select(i => Slerp(strength, seedNoise, Draw(subseed + i, imageShape)))
            .ToArray();
        return stack(images).to(dtype, device).MoveToOuterDisposeScope();
    }

    /// <summary>torch.randn(shape, generator=torch.Generator('cpu').manual_seed(seed)), float32.</summary>
    private static Tensor Draw(long seed, long[] shape)
    {
        using var generator = new Generator((ulong)seed, CPU);
        return randn(shape, dtype: ScalarType.Float32, device: CPU, generator: generator);
    }

    /// <summary>
    /// A1111's slerp on a [C, H, W] tensor: norms and dot products over dim 1 (H), one angle per (C, W) column.
    /// Nearly parallel noises fall back to A1111's linear mix, whose weights are (as in A1111) the other way round.
    /// </summary>
    private static Tensor Slerp(double val, Tensor low, Tensor high)
    {
        var lowNorm = low / low.norm(1, keepdim: true);
        var highNorm = high / high.norm(1, keepdim: true);
        var dot = (lowNorm * highNorm).sum(1);
        if (dot.mean().item<float>() > 0.9995f)
            return low * val + high * (1 - val);
        var omega = dot.acos();
        var so = omega.sin();
        return ((1.0 - val) * omega).sin().div(so).unsqueeze(1) * low + (val * omega).sin().div(so).unsqueeze(1) * high;
    }
}
