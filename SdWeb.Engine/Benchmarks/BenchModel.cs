using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using TorchSharp;

namespace SdWeb.Engine.Benchmarks;

/// <summary>What the figures of a bench are computed from: the models' configs and the size of their weights.</summary>
internal sealed record BenchModel(UNet2DConditionConfig UNet, AutoencoderKLConfig Vae, ClipTextConfig TextEncoder, long Parameters)
{
    /// <summary>Reads the configs and the weights' shapes (not the weights) of the model the bench loads.</summary>
    public static BenchModel Read(string modelPath, string? vaePath, ModelPlacement placement)
    {
        using var source = ModelSource.Open(modelPath, placement, vaePath);
        long parameters = new[] { source.UNet.Weights, source.Vae.Weights, source.TextEncoder.Weights }
            .Sum(weights => weights.Names.Sum(name => weights.ShapeOf(name).Aggregate(1L, (a, b) => a * b)));
        return new BenchModel(source.UNet.Config, source.Vae.Config, source.TextEncoder.Config, parameters);
    }

    /// <summary>Bytes of all weights in the run dtype.</summary>
    public double WeightBytes(torch.ScalarType dtype)
    {
        using var probe = torch.empty(0, dtype);
        return Parameters * (double)probe.ElementSize;
    }
}
