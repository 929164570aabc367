using SdWeb.Engine.Pipelines;
using SdWeb.Gallery;
using SdWeb.Generation;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Gallery;

[Layer(Layer.Web)]
public class ImageDetailsTests
{
    [Fact]
    public async Task AReproductionWithTheSamePixelsIsReportedIdenticalBothWays()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        var original = await bed.AddImageAsync("a fox", seed: 7);
        var same = await bed.AddImageAsync("a fox", seed: 7, reproduces: original.Id);
        var different = await bed.AddImageAsync("a fox", seed: 8, reproduces: original.Id);
        var details = new ImageDetails(bed.Database);

        var ofOriginal = (await details.FindAsync(original.Id))!;
        Assert.Null(ofOriginal.Original);
        Assert.Equal([(same.Id, true), (different.Id, false)], ofOriginal.Reproductions.Select(r => (r.ImageId, r.PixelIdentical)));
        Assert.Equal("alice", ofOriginal.AuthorName);

        var ofSame = (await details.FindAsync(same.Id))!;
        Assert.Equal((original.Id, true), (ofSame.Original!.ImageId, ofSame.Original.PixelIdentical));
    }

    [Fact]
    public async Task FavouriteToggles()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        var image = await bed.AddImageAsync("a fox", seed: 7);
        var details = new ImageDetails(bed.Database);

        Assert.True(await details.ToggleFavouriteAsync(image.Id));
        Assert.False(await details.ToggleFavouriteAsync(image.Id));
        Assert.Null(await details.ToggleFavouriteAsync(Guid.NewGuid()));
        Assert.Null(await details.FindAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task ReproduceAsksForTheStoredParametersWithTheSeedLockedAndOneImage()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        var image = await bed.AddImageAsync("a fox", seed: 7, negative: "ugly", model: "model-b", sampler: "ddim");

        var request = ReproduceRequest.For(image);

        Assert.Equal(new JobRequest
        {
            Prompt = "a fox", NegativePrompt = "ugly", Sampler = "ddim", Steps = 20, CfgScale = 7.5, Seed = 7,
            Width = 64, Height = 48, ImageCount = 1, Model = "model-b", ReproducesImageId = image.Id,
            Kernels = "winograd", // the original's, so the re-run computes the same numbers
            // Stored without a syntax, as every image made before the app read A1111 syntax: it reproduces as plain.
            PromptSyntax = PromptSyntax.Plain,
        }, request);
    }
}
