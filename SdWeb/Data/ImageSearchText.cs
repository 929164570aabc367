using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;

namespace SdWeb.Data;

/// <summary>
/// The words a person types to find an image by how it was made rather than by its prompt: the sampler by the engine's
/// and AUTOMATIC1111's names, "img2img", "inpainting" (with A1111's "only masked" / "inpaint not masked"), "hires fix"
/// with its upscaler's A1111 name, the variation seed, "tiling", "clip skip". Both databases index it beside the prompts.
/// </summary>
public static class ImageSearchText
{
    public static string Of(ImageRecord image)
    {
        var words = new List<string> { image.Sampler, SamplerNames.ToA1111(image.Sampler) };
        if (image.SourceImageId is not null || image.Strength is not null) words.Add("img2img");
        if (image.Mask is not null)
        {
            words.Add("inpainting mask");
            if (image.InpaintOnlyMasked) words.Add("only masked");
            if (image.InvertMask) words.Add("inpaint not masked");
        }
        if (image.Hires is { } hires) words.Add($"hires fix {HiresFix.A1111Name(hires.Upscaler)}");
        if (image.Subseed is { } subseed && image.SubseedStrength > 0)
            words.Add($"variation seed {subseed.ToString(CultureInfo.InvariantCulture)}");
        if (image.Tiling) words.Add("tiling");
        if (image.ClipSkip > 1) words.Add($"clip skip {image.ClipSkip.ToString(CultureInfo.InvariantCulture)}");
        return string.Join(' ', words);
    }

    /// <summary>
    /// Gives images stored before their settings were indexed (migration SearchSettings added the column empty) their
    /// words; finds nothing to do afterwards, as every saved image gets them (<see cref="AppDbContext"/>).
    /// </summary>
    public static async Task BackfillAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        const int batchSize = 500;
        while (true)
        {
            var images = await db.Images.Where(i => i.SearchText == "").Take(batchSize).ToListAsync(cancellationToken);
            if (images.Count == 0) return;
            foreach (var image in images) image.SearchText = Of(image);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }
}
