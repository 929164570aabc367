using Microsoft.EntityFrameworkCore;
using SdWeb.Generation;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Styles;

/// <summary>Styles and tiling from submission to the engine and the gallery, on a real SQLite database with a fake engine.</summary>
[Layer(Layer.Web)]
public sealed class PromptStyleJobTests
{
    [Fact]
    public async Task JobStoresItsPromptsWithStylesAppliedSoEditingAStyleLaterChangesNothing()
    {
        using var h = await GenerationHarness.CreateAsync();
        Assert.Null(await h.Styles.SaveAsync(null, "painted", "{prompt}, oil painting", "photo", CancellationToken.None));
        Assert.Null(await h.Styles.SaveAsync(null, "sharp", "highly detailed", "blurry", CancellationToken.None));

        var id = await h.SubmitAsync(change: r => r with { NegativePrompt = "text", Styles = ["painted", "sharp"] });
        await h.RunNextAsync();

        var job = await h.JobAsync(id);
        Assert.Equal("a red fox, oil painting, highly detailed", job.Prompt);
        Assert.Equal("text, photo, blurry", job.NegativePrompt);
        Assert.Equal(["painted", "sharp"], job.Styles);
        var ran = h.Factory.Loaded.Single().Requests.Single();
        Assert.Equal(["a red fox, oil painting, highly detailed"], ran.Prompts);
        Assert.Equal(["text, photo, blurry"], ran.NegativePrompts);

        var painted = (await h.Styles.ListAsync(CancellationToken.None)).Single(s => s.Name == "painted");
        Assert.Null(await h.Styles.SaveAsync(painted.Id, "painted", "{prompt}, watercolour", "", CancellationToken.None));
        var again = JobRequests.FromImage((await h.SavedAsync()).Single());
        Assert.Equal("a red fox, oil painting, highly detailed", again.Prompt);
        Assert.Empty(again.Styles);
    }

    [Fact]
    public async Task UnknownStyleIsRefusedByNameAndNothingIsStored()
    {
        using var h = await GenerationHarness.CreateAsync();

        var result = await h.Submitter.SubmitAsync(
            new JobRequest { Prompt = "a fox", Steps = 2, Width = 64, Height = 64, Styles = ["nope"] }, "alice", CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Contains("Unknown style 'nope'", Assert.Single(result.Errors[nameof(JobRequest.Styles)]), StringComparison.Ordinal);
        await using var db = h.Database.CreateDbContext();
        Assert.Equal(0, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task StyleNamesAreUniqueAndAStyleCanBeRenamedAndDeleted()
    {
        using var h = await GenerationHarness.CreateAsync();
        Assert.Null(await h.Styles.SaveAsync(null, "anime", "anime style", "", CancellationToken.None));

        Assert.Contains("exists already", await h.Styles.SaveAsync(null, " anime ", "other", "", CancellationToken.None), StringComparison.Ordinal);
        Assert.Equal("A style needs a name.", await h.Styles.SaveAsync(null, "  ", "x", "", CancellationToken.None));

        var anime = Assert.Single(await h.Styles.ListAsync(CancellationToken.None));
        Assert.Null(await h.Styles.SaveAsync(anime.Id, "manga", "manga style", "color", CancellationToken.None));
        var manga = Assert.Single(await h.Styles.ListAsync(CancellationToken.None));
        Assert.Equal((anime.Id, "manga", "manga style", "color"), (manga.Id, manga.Name, manga.Prompt, manga.NegativePrompt));

        await h.Styles.DeleteAsync(manga.Id, CancellationToken.None);
        Assert.Empty(await h.Styles.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TilingIsStoredWithTheJobAndItsImagesReachesTheEngineAndIsReused()
    {
        using var h = await GenerationHarness.CreateAsync();

        var id = await h.SubmitAsync(change: r => r with { Tiling = true });
        await h.RunNextAsync();

        Assert.True((await h.JobAsync(id)).Tiling);
        Assert.True(h.Factory.Loaded.Single().Requests.Single().Tiling);
        var image = Assert.Single(await h.SavedAsync());
        Assert.True(image.Tiling);
        Assert.True(JobRequests.FromImage(image).Tiling);
    }
}
