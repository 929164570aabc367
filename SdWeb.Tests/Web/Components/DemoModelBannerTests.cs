using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Auth;
using SdWeb.Components.Generate;
using SdWeb.Engine.Training;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class DemoModelBannerTests : MudComponentTest
{
    private readonly DemoOnlyLibrary _library = new();
    private TestDatabase _db = default!;

    public override async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        Services.AddSingleton<IModelLibrary>(_library);
        Services.AddSingleton(new SdWebOptions { ModelsDir = "/srv/models" });
        Services.AddSingleton(new UserPreferences(_db));
        AddAuthorization().SetAuthorized("alice").SetClaims(new Claim(ClaimTypes.NameIdentifier, "alice"));
    }

    protected override Task DisposeTestAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void SuggestsStableDiffusion15WhereItLivesNow()
    {
        var banner = Render<DemoModelBanner>();
        Assert.Contains("models download stable-diffusion-v1-5/stable-diffusion-v1-5", banner.Markup);
        Assert.DoesNotContain("runwayml", banner.Markup);
        Assert.Contains("/srv/models", banner.Markup);
    }

    [Fact]
    public void ItIsOneLineWithTheDetailsFoldedAway()
    {
        var banner = Render<DemoModelBanner>();

        var details = banner.Find(".demo-banner details");
        Assert.False(details.HasAttribute("open"));
        Assert.Equal("Demo model: its images are noise. How to get real images", details.QuerySelector("summary")!.TextContent);
    }

    [Fact]
    public async Task ClosingItIsRememberedForThatUserOnly()
    {
        var banner = Render<DemoModelBanner>();

        await banner.Find(".demo-banner .mud-alert-close button").ClickAsync(new());

        Assert.Empty(banner.FindAll(".demo-banner"));
        Assert.Empty(Render<DemoModelBanner>().FindAll(".demo-banner"));
        var preferences = Services.GetRequiredService<UserPreferences>();
        Assert.True(await preferences.IsDemoBannerDismissedAsync("alice", CancellationToken.None));
        Assert.False(await preferences.IsDemoBannerDismissedAsync("bob", CancellationToken.None));
    }

    [Fact]
    public void WithTheTrainedModelItSaysWhatItDrawsAndClickingASuggestionPassesItsPrompt()
    {
        _library.IsDemoTrained = true;
        var chosen = new List<string>();
        var banner = Render<DemoModelBanner>(p => p.Add(b => b.OnPromptChosen, (string prompt) => chosen.Add(prompt)));

        Assert.Equal("Demo model: it draws simple scenes. What it can draw, and how to get real images",
            banner.Find(".demo-banner details summary").TextContent);
        var details = System.Text.RegularExpressions.Regex.Replace(banner.Find(".demo-banner details").TextContent, @"\s+", " ");
        Assert.Contains("a circle, square, triangle, star or ring, in red, orange, yellow, green, blue, purple, white or black", details);
        Assert.Contains("at the left, right, top, bottom or centre, on a plain, striped or dotted background", details);
        Assert.Contains("models download stable-diffusion-v1-5/stable-diffusion-v1-5", details); // the way to a real model stays
        Assert.DoesNotContain("noise", details);

        var chips = banner.FindAll(".demo-suggestions .mud-chip");
        Assert.Equal(DemoModelTraining.SuggestedPrompts, chips.Select(c => c.TextContent.Trim()));
        Assert.Equal("a large blue square at the left on a yellow background", chips[1].TextContent.Trim());
        chips[1].Click();
        Assert.Equal(["a large blue square at the left on a yellow background"], chosen);
    }

    [Fact]
    public void WithRandomWeightsItOffersNoSuggestions()
    {
        var banner = Render<DemoModelBanner>();
        Assert.Empty(banner.FindAll(".demo-suggestions"));
    }

    private sealed class DemoOnlyLibrary : IModelLibrary
    {
        public IReadOnlyList<string> Names() => ["sdweb-demo-tiny"];
        public string DefaultModel => "sdweb-demo-tiny";
        public bool IsDemoOnly => true;
        public bool IsDemoTrained { get; set; }
        public string ResolvePath(string name) => throw new NotSupportedException();
    }
}
