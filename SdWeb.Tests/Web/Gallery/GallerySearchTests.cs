using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Gallery;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Gallery;

/// <summary>The gallery search on SQLite (FTS5) and on PostgreSQL (tsvector): the same questions, the same answers.</summary>
[Layer(Layer.Web)]
public abstract class GallerySearchTests(DatabaseProvider provider) : IAsyncLifetime
{
    private ImageStoreBed _bed = default!;
    private GallerySearch _search = default!;
    private readonly Dictionary<string, Guid> _ids = [];

    public async Task InitializeAsync()
    {
        _bed = await ImageStoreBed.CreateAsync(provider);
        _search = new GallerySearch(_bed.Database);
        // Added oldest first, one day apart.
        await Add("fox", "a red fox in the snow", 1, negative: "blurry, watermark");
        await Add("castle", "a castle on a hill at dusk", 2, sampler: "ddim");
        await Add("foxes", "two foxes playing", 3, user: "bob", model: "model-b");
        await Add("café", "Café terrace at night", 4);
        await Add("seed", "a lighthouse", 123456789012, user: "bob");
    }

    private async Task Add(string key, string prompt, long seed, string user = "alice", string negative = "", string model = "model-a", string sampler = "euler_a")
    {
        _ids[key] = (await _bed.AddImageAsync(prompt, seed, user, negative, model, sampler)).Id;
        _bed.Clock.Now = _bed.Clock.Now.AddDays(1);
    }

    public Task DisposeAsync()
    {
        _bed.Dispose();
        return Task.CompletedTask;
    }

    private async Task<List<string>> Find(GalleryQuery query, int page = 0, int size = 50) =>
        (await _search.SearchAsync(query, page, size)).Items.Select(i => _ids.Single(kv => kv.Value == i.Id).Key).ToList();

    [Fact]
    public async Task NoFilterListsEverythingNewestFirst() =>
        Assert.Equal(["seed", "café", "foxes", "castle", "fox"], await Find(new GalleryQuery()));

    [Fact]
    public async Task OldestFirstSortReversesTheOrder() =>
        Assert.Equal(["fox", "castle", "foxes", "café", "seed"], await Find(new GalleryQuery { Sort = GallerySort.Oldest }));

    [Theory]
    [InlineData("fox", new[] { "foxes", "fox" })]               // words match as prefixes
    [InlineData("FOX snow", new[] { "fox" })]                    // every word must match, case-insensitive
    [InlineData("watermark", new[] { "fox" })]                   // the negative prompt is searched too
    [InlineData("cafe", new[] { "café" })]                       // diacritics are folded
    [InlineData("(castle* ^hill:", new[] { "castle" })]           // FTS operators in the input are dropped, the words kept
    [InlineData("dragon", new string[0])]
    public async Task FullTextSearchOverPromptAndNegativePrompt(string text, string[] expected) =>
        Assert.Equal(expected, await Find(new GalleryQuery { Text = text }));

    [Fact]
    public async Task ALoraNameIsAPhraseOfItsPartsInOrderTheLastAPrefix()
    {
        await Add("lora", "a garden <lora:tiny-details:0.8>, detail", 5);
        Assert.Equal(["lora"], await Find(new GalleryQuery { Text = "tiny-detail" }));
        Assert.Empty(await Find(new GalleryQuery { Text = "details-tiny" }));
        Assert.Equal(["lora"], await Find(new GalleryQuery { Text = "GARDEN tiny_details" }));
    }

    /// <summary>
    /// How an image was made is searchable as an AUTOMATIC1111 user names it: the hires fix and its upscaler, inpainting, the
    /// variation seed, the sampler by either name. Settings changed on a stored row are indexed again.
    /// </summary>
    [Theory]
    [InlineData("hires", new[] { "nearest", "lanczos" })]
    [InlineData("Hires fix Lanczos", new[] { "lanczos" })]
    [InlineData("Latent (nearest)", new[] { "nearest" })]
    [InlineData("inpaint", new[] { "inpainted" })]
    [InlineData("inpainting only masked", new[] { "inpainted" })]
    [InlineData("variation 777", new[] { "variation" })]
    [InlineData("DPM++ 2M SDE Karras", new[] { "variation" })]
    [InlineData("img2img", new[] { "inpainted" })]
    [InlineData("castle ddim", new[] { "castle" })]
    [InlineData("Euler a fox", new[] { "foxes", "fox" })]
    public async Task SettingsAreSearchableByTheirA1111Names(string text, string[] expected)
    {
        await AddWith("lanczos", "a harbour", 6, i => i.Hires = new HiresFix { Upscaler = HiresUpscaler.Lanczos });
        await AddWith("nearest", "a harbour", 7, i => i.Hires = new HiresFix { Upscaler = HiresUpscaler.LatentNearest });
        await AddWith("inpainted", "a boat", 8, i => (i.SourceImageId, i.Strength, i.Mask, i.InpaintOnlyMasked) = (_ids["fox"], 0.75, new byte[] { 1, 2, 3 }, true));
        await AddWith("variation", "a harbour", 9, i => (i.Subseed, i.SubseedStrength, i.Sampler) = (777, 0.3, "dpmpp_2m_sde_karras"));

        Assert.Equal(expected, await Find(new GalleryQuery { Text = text }));
    }

    /// <summary>An image added as the app adds them, then given settings the way an edit would, saved through the context.</summary>
    private async Task AddWith(string key, string prompt, long seed, Action<ImageRecord> settings)
    {
        await Add(key, prompt, seed);
        await using var db = _bed.Database.CreateDbContext();
        settings(await db.Images.SingleAsync(i => i.Id == _ids[key]));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task TextWithNothingSearchableDoesNotFilter() =>
        Assert.Equal(5, (await Find(new GalleryQuery { Text = " \"*() " })).Count);

    [Fact]
    public async Task SeedMatchesExactly()
    {
        Assert.Equal(["seed"], await Find(new GalleryQuery { Seed = 123456789012 }));
        Assert.Empty(await Find(new GalleryQuery { Seed = 12345678901 }));
    }

    [Fact]
    public async Task FiltersCombine()
    {
        Assert.Equal(["foxes"], await Find(new GalleryQuery { ModelName = "model-b" }));
        Assert.Equal(["castle"], await Find(new GalleryQuery { Sampler = "ddim" }));
        Assert.Equal(["seed", "foxes"], await Find(new GalleryQuery { UserId = "bob" }));
        Assert.Equal(["foxes"], await Find(new GalleryQuery { UserId = "bob", Text = "fox" }));
        Assert.Empty(await Find(new GalleryQuery { UserId = "bob", ModelName = "model-a", Text = "fox" }));
    }

    [Fact]
    public async Task DateRangeIncludesBothDays()
    {
        // Images were made on 14, 15, 16, 17 and 18 March.
        Assert.Equal(["foxes", "castle"], await Find(new GalleryQuery { From = new DateOnly(2026, 3, 15), To = new DateOnly(2026, 3, 16) }));
        Assert.Equal(["seed"], await Find(new GalleryQuery { From = new DateOnly(2026, 3, 18) }));
    }

    [Fact]
    public async Task FavouritesOnly()
    {
        await new ImageDetails(_bed.Database).ToggleFavouriteAsync(_ids["castle"]);
        Assert.Equal(["castle"], await Find(new GalleryQuery { FavouritesOnly = true }));
    }

    [Fact]
    public async Task PagesSplitTheOrderedListAndCountTheWhole()
    {
        var second = await _search.SearchAsync(new GalleryQuery(), pageIndex: 1, pageSize: 2);
        Assert.Equal(5, second.Total);
        Assert.Equal(3, second.PageCount);
        Assert.Equal([_ids["foxes"], _ids["castle"]], second.Items.Select(i => i.Id));
        Assert.Equal("bob", second.Items[0].UserName);
    }

    [Fact]
    public async Task BadPagingIsRefusedWithItsReason()
    {
        var size = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _search.SearchAsync(new GalleryQuery(), 0, 0));
        Assert.StartsWith($"A page holds 1 to {GallerySearch.MaxPageSize} images.", size.Message);
        var index = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _search.SearchAsync(new GalleryQuery(), -1, 10));
        Assert.StartsWith("The page index starts at 0.", index.Message);
    }

    [Fact]
    public async Task FacetsOfferWhatExists()
    {
        var facets = await _search.FacetsAsync();
        Assert.Equal(["model-a", "model-b"], facets.Models);
        Assert.Equal(["ddim", "euler_a"], facets.Samplers);
        Assert.Equal(["alice", "bob"], facets.Users.Select(u => u.UserName));
    }

    [Fact]
    public async Task EditedPromptsAreReindexed()
    {
        await using (var db = _bed.Database.CreateDbContext())
        {
            var castle = await db.Images.SingleAsync(i => i.Id == _ids["castle"]);
            castle.Prompt = "a windmill";
            await db.SaveChangesAsync();
        }
        Assert.Equal(["castle"], await Find(new GalleryQuery { Text = "windmill" }));
        Assert.Empty(await Find(new GalleryQuery { Text = "dusk" }));
    }
}

public sealed class GallerySearchOnSqliteTests() : GallerySearchTests(DatabaseProvider.Sqlite);

public sealed class GallerySearchOnPostgresTests() : GallerySearchTests(DatabaseProvider.Postgres);
