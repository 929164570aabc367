using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Components.Generate;
using SdWeb.Components.Styles;
using SdWeb.Generation;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class StylesPageTests : MudComponentTest
{
    private GenerationHarness _h = default!;

    public override async Task InitializeAsync()
    {
        _h = await GenerationHarness.CreateAsync();
        Services.AddSingleton(_h.Styles);
    }

    protected override Task DisposeTestAsync()
    {
        _h.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task CreatingAStyleStoresItAndListsIt()
    {
        var page = Render<StylesPage>();
        Assert.NotEmpty(page.FindAll("#no-styles"));

        page.Find("#style-name").Input("painted");
        page.Find("#style-prompt").Input("{prompt}, oil painting");
        page.Find("#style-negative").Input("photo");
        await page.Find("#style-save").ClickAsync(new MouseEventArgs());

        var stored = Assert.Single(await _h.Styles.ListAsync(CancellationToken.None));
        Assert.Equal(("painted", "{prompt}, oil painting", "photo"), (stored.Name, stored.Prompt, stored.NegativePrompt));
        page.WaitForAssertion(() => Assert.Equal("painted", page.Find(".style-row .style-name").TextContent));
    }

    [Fact]
    public async Task ADuplicateNameIsShownAndEditingAndDeletingWork()
    {
        await _h.Styles.SaveAsync(null, "sharp", "highly detailed", "", CancellationToken.None);
        var page = Render<StylesPage>();

        page.Find("#style-name").Input("sharp");
        await page.Find("#style-save").ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => Assert.Contains("exists already", page.Find("#style-form").TextContent, StringComparison.Ordinal));

        await page.Find(".style-row .style-edit").ClickAsync(new MouseEventArgs());
        page.Find("#style-prompt").Input("very detailed");
        await page.Find("#style-save").ClickAsync(new MouseEventArgs());
        Assert.Equal("very detailed", Assert.Single(await _h.Styles.ListAsync(CancellationToken.None)).Prompt);

        await page.Find(".style-row .style-delete").ClickAsync(new MouseEventArgs());
        Assert.Empty(await _h.Styles.ListAsync(CancellationToken.None));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#no-styles")));
    }

    [Fact]
    public async Task PickerOffersTheTeamsStylesAndHidesWithoutAny()
    {
        Assert.Empty(Render<StylePicker>().FindAll("#styles"));

        await _h.Styles.SaveAsync(null, "painted", "{prompt}, oil painting", "", CancellationToken.None);

        Assert.NotEmpty(Render<StylePicker>().FindAll("#styles"));
    }
}
