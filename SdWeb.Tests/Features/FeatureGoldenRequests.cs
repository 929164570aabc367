using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Features;

/// <summary>The request the engine gets for an inpainting or hires-fix case of features/cases.json (the caller disposes its images).</summary>
public static class FeatureGoldenRequests
{
    public static GenerationRequest For(FeatureCase goldenCase)
    {
        var json = goldenCase.Json;
        var request = goldenCase.ToRequest();
        if (json.TryGetProperty("mask_path", out var mask))
            return request with { Mask = Image.Load<L8>(FeatureCase.GoldenPath(mask.GetString()!)) };
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
