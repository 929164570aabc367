using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Models.Unet;
using SdWeb.Engine.Models.Vae;
using TorchSharp;

namespace SdWeb.Engine.Loading;

/// <summary>
/// Checks that a model source's weights fit the model classes its configs build, without reading a weight or
/// allocating the models: they are built on the "meta" device, which holds shapes only.
/// </summary>
internal static class WeightFit
{
    /// <summary>Shapes without storage: for listing or checking a model's parameters at no memory cost.</summary>
    public static ModelPlacement ShapeOnly { get; } = new(torch.device("meta"), torch.ScalarType.Float32);

    /// <exception cref="ModelLoadException">A config the model classes refuse, or weights that do not fit.</exception>
    public static void Check(ModelSource source)
    {
        using (var unet = new UNet2DConditionModel(source.UNet.Config, ShapeOnly))
            ModuleWeightLoader.Check(unet, source.UNet.Weights);
        using (var clip = new ClipTextModel(source.TextEncoder.Config, ShapeOnly))
            ModuleWeightLoader.Check(clip, source.TextEncoder.Weights, ignoredSourceNames: ClipTextModel.IsIgnoredWeight);
        using (var vae = new AutoencoderKL(source.Vae.Config, ShapeOnly))
            ModuleWeightLoader.Check(vae, source.Vae.Weights);
    }
}
