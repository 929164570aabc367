using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SdWeb.Components.Pages;
using SdWeb.Gallery;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class GalleryPageTests : MudComponentTest
{
    private ImageStoreBed _bed = default!;

    public override async Task InitializeAsync()
    {
        _bed = await ImageStoreBed.CreateAsync();
        await _bed.AddImageAsync("a red fox in the snow", 1);
        _bed.Clock.Now = _bed.Clock.Now.AddMinutes(1);
        await _bed.AddImageAsync("a castle at dusk <script>alert('x')</script>", 2, user: "bob");
        _bed.Clock.Now = _bed.Clock.Now.AddMinutes(1);
        await _bed.AddImageAsync("two foxes playing", 987654321);
        Services.AddSingleton(new GallerySearch(_bed.Database));
        AddAuthorization().SetAuthorized("alice").SetClaims(new Claim(ClaimTypes.NameIdentifier, "alice"));
    }

    protected override Task DisposeTestAsync()
    {
        _bed.Dispose();
        return Task.CompletedTask;
    }

    private IRenderedComponent<SdWeb.Components.Pages.Gallery> RenderPage(string url = "gallery")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        Render<MudPopoverProvider>();
        var page = Render<SdWeb.Components.Pages.Gallery>();
        page.WaitForAssertion(() => Assert.DoesNotContain("Loading", page.Find("#gallery-count").TextContent));
        return page;
    }

    private static List<string> Prompts(IRenderedComponent<SdWeb.Components.Pages.Gallery> page) =>
        page.FindAll(".gallery-prompt").Select(e => e.TextContent).ToList();

    [Fact]
    public void ShowsEveryImageNewestFirstAsThumbnailsLinkingToTheirPage()
    {
        var page = RenderPage();

        Assert.Equal("3 images", page.Find("#gallery-count").TextContent);
        Assert.Equal(["two foxes playing", "a castle at dusk <script>alert('x')</script>", "a red fox in the snow"], Prompts(page));
        var tile = page.FindAll("a.gallery-tile")[0];
        var id = tile.GetAttribute("data-image-id");
        Assert.Equal($"images/{id}", tile.GetAttribute("href"));
        Assert.Equal($"api/images/{id}/thumb", tile.QuerySelector("img")!.GetAttribute("src"));
    }

    [Fact]
    public void PromptsAreRenderedAsTextNeverAsMarkup()
    {
        var page = RenderPage();
        Assert.Empty(page.FindAll("script"));
        Assert.Contains("&lt;script&gt;alert('x')&lt;/script&gt;", page.Markup);
    }

    [Fact]
    public void TypingInTheSearchBoxFiltersByPromptWords()
    {
        var page = RenderPage();
        page.Find("#gallery-search").Input("fox");
        page.WaitForAssertion(() => Assert.Equal(["two foxes playing", "a red fox in the snow"], Prompts(page)));

        page.Find("#gallery-search").Input("fox snow");
        page.WaitForAssertion(() => Assert.Equal(["a red fox in the snow"], Prompts(page)));

        page.Find("#gallery-search").Input("dragon");
        page.WaitForAssertion(() => Assert.Equal("No images match.", page.Find("#gallery-count").TextContent));
    }

    [Fact]
    public void SeedSearchIsExactAndSaysWhenTheInputIsNotASeed()
    {
        var page = RenderPage();
        page.Find("#gallery-seed").Input("987654321");
        page.WaitForAssertion(() => Assert.Equal(["two foxes playing"], Prompts(page)));

        page.Find("#gallery-seed").Input("twelve");
        page.WaitForAssertion(() => Assert.Contains("A seed is a whole number.", page.Markup));
        Assert.Equal(["two foxes playing"], Prompts(page));
    }

    [Fact]
    public void MineShowsOnlyTheSignedInUsersImages()
    {
        var page = RenderPage();
        page.FindAll("input[type=checkbox]")[0].Change(true);
        page.WaitForAssertion(() => Assert.Equal(["two foxes playing", "a red fox in the snow"], Prompts(page)));
    }

    [Fact]
    public void FavouritesOnlyShowsStarredImages()
    {
        var page = RenderPage();
        page.FindAll("input[type=checkbox]")[1].Change(true);
        page.WaitForAssertion(() => Assert.Equal("No images match.", page.Find("#gallery-count").TextContent));
    }

    [Fact]
    public void TheAddressCanCarryASearch()
    {
        var page = RenderPage("gallery?q=castle");
        Assert.Equal(["a castle at dusk <script>alert('x')</script>"], Prompts(page));
    }
}
