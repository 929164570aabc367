using SdWeb.Data;
using SdWeb.Generation;

namespace SdWeb.Gallery;

/// <summary>Reproduce: the stored image's parameters exactly (its seed locked, one image), marked as a re-run of it.</summary>
public static class ReproduceRequest
{
    public static JobRequest For(ImageRecord image) => new()
    {
        Prompt = image.Prompt,
        NegativePrompt = image.NegativePrompt,
        Sampler = image.Sampler,
        Steps = image.Steps,
        CfgScale = image.GuidanceScale,
        Seed = image.Seed,
        Width = image.Width,
        Height = image.Height,
        ImageCount = 1,
        Model = image.ModelName,
        SourceImageId = image.SourceImageId,
        Strength = image.Strength ?? new JobRequest().Strength,
        ReproducesImageId = image.Id,
    };
}
