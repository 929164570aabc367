using TorchSharp;
using TorchSharp.Modules;

namespace SdWeb.Engine.Pipelines.Tiling;

/// <summary>
/// AUTOMATIC1111's tiling: every Conv2d of the UNet and the VAE pads circularly instead of with zeros, so the image
/// wraps around left↔right and top↔bottom (a seamless texture). Set for one job and set back to zeros on
/// <see cref="Dispose"/>, so the next job runs as before. The models are asked for again then, because a run may
/// rebuild one (the VAE's fp32 upcast).
/// </summary>
internal sealed class CircularConvolutions : IDisposable
{
    private readonly Func<IEnumerable<torch.nn.Module>> _models;

    private CircularConvolutions(Func<IEnumerable<torch.nn.Module>> models)
    {
        _models = models;
        SetPadding(models(), PaddingModes.Circular);
    }

    public static CircularConvolutions Enable(Func<IEnumerable<torch.nn.Module>> models) => new(models);

    /// <summary>Gives <paramref name="target"/>'s convolutions the padding of <paramref name="source"/>'s (same architecture), for a rebuilt model.</summary>
    public static void CopyPadding(torch.nn.Module source, torch.nn.Module target)
    {
        foreach (var (from, to) in ConvolutionsOf(source).Zip(ConvolutionsOf(target))) to.padding_mode = from.padding_mode;
    }

    public void Dispose() => SetPadding(_models(), PaddingModes.Zeros);

    private static void SetPadding(IEnumerable<torch.nn.Module> models, PaddingModes mode)
    {
        foreach (var conv in models.SelectMany(ConvolutionsOf)) conv.padding_mode = mode;
    }

    private static IEnumerable<Conv2d> ConvolutionsOf(torch.nn.Module model) => model.modules().OfType<Conv2d>();
}
