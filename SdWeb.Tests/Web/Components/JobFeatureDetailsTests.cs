using Bunit;
using SdWeb.Components.Detail;
using SdWeb.Data;
using SdWeb.Engine.Pipelines.Hires;

namespace SdWeb.Tests.Web.Components;

/// <summary>The detail view's inpainting, hires-fix and variation rows: shown for the features an image was made with, only those.</summary>
[Layer(Layer.Web)]
public sealed class JobFeatureDetailsTests : MudComponentTest
{
    private static ImageRecord Image() => new()
    {
        UserId = "alice", Prompt = "a fox", Sampler = "euler_a", ModelName = "m", FilePath = "f.png", ThumbPath = "t.webp", Width = 64, Height = 96,
    };

    [Fact]
    public void AnImageWithoutThemShowsNoRow() =>
        Assert.Empty(Render<JobFeatureDetails>(p => p.Add(c => c.Image, Image())).FindAll("tr"));

    [Fact]
    public void InpaintingHiresAndVariationAreShownWithTheirSettings()
    {
        var image = Image();
        image.Mask = [1, 2, 3];
        (image.MaskBlur, image.InvertMask, image.InpaintOnlyMasked, image.InpaintPadding, image.MaskOverlay) = (4, true, true, 16, true);
        image.Hires = new HiresFix { Upscaler = HiresUpscaler.LatentNearest, Scale = 1.5, Steps = 0, Denoise = 0.55 };
        (image.Subseed, image.SubseedStrength) = (42, 0.25);

        var rows = Render<JobFeatureDetails>(p => p.Add(c => c.Image, image));

        Assert.Equal("mask blur 4, inpaint not masked, only masked, padding 16, unmasked pixels kept", rows.Find("#inpainting").TextContent.Trim());
        Assert.Equal("data:image/png;base64,AQID", rows.Find("#inpainting img").GetAttribute("src"));
        Assert.Equal("Latent (nearest) to 96 × 144 (×1.5), same steps, denoising 0.55", rows.Find("#hires").TextContent.Trim());
        Assert.Equal("42, strength 0.25", rows.Find("#variation").TextContent.Trim());
    }
}
