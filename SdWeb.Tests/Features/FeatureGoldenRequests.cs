using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Tests.Networks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Features;

/// <summary>The request the engine gets for an inpainting or hires-fix case of features/cases.json (the caller disposes its images).</summary>
public static class FeatureGoldenRequests
{
    public static GenerationRequest For(NetworkGoldenCase goldenCase)
    {
        var json = goldenCase.Json;
        var request = goldenCase.ToRequest();
        if (json.TryGetProperty("mask_path", out var mask))
            return request with
            {
                InitImage = InitImageReader.Read(NetworkGoldenCase.GoldenPath(json.GetProperty("init_image_path").GetString()!), GenerationLimits.Default),
                Mask = Image.Load<L8>(NetworkGoldenCase.GoldenPath(mask.GetString()!)),
                Strength = json.GetProperty("strength").GetDouble(),
            };
        var hires = json.GetProperty("hires");
        Assert.Equal("Latent", hires.GetProperty("upscaler").GetString());
        return request with
        {
            Hires = new HiresFix
            {
                Upscaler = HiresUpscaler.Latent,
                Scale = hires.GetProperty("scale").GetDouble(),
                Steps = hires.GetProperty("hires_steps").GetInt32(),
                Denoise = hires.GetProperty("denoising_strength").GetDouble(),
            },
        };
    }
}
