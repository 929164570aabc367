using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Components.Viewer;
using SdWeb.Data;
using SdWeb.Gallery;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class ImageViewerTests : MudComponentTest
{
    private ImageStoreBed _bed = default!;
    private ImageRecord _oldest = default!;
    private ImageRecord _middle = default!;
    private ImageRecord _newest = default!;

    public override async Task InitializeAsync()
    {
        _bed = await ImageStoreBed.CreateAsync();
        _oldest = await AddOneDayLaterAsync("oldest");
        _middle = await AddOneDayLaterAsync("middle");
        _newest = await AddOneDayLaterAsync("newest");
        Services.AddSingleton(new ImageDetails(_bed.Database));
    }

    private async Task<ImageRecord> AddOneDayLaterAsync(string prompt)
    {
        _bed.Clock.Now = _bed.Clock.Now.AddDays(1);
        return await _bed.AddImageAsync(prompt, seed: prompt.Length);
    }

    protected override Task DisposeTestAsync()
    {
        _bed.Dispose();
        return Task.CompletedTask;
    }

    private IRenderedComponent<ImageViewer> RenderViewer(ImageRecord image) => Render<ImageViewer>(p => p.Add(v => v.Image, image));

    private string Location => Services.GetRequiredService<BunitNavigationManager>().Uri;

    [Fact]
    public async Task TheArrowKeysStepThroughTheGalleryInItsNewestFirstOrder()
    {
        var viewer = RenderViewer(_middle);

        await viewer.InvokeAsync(() => viewer.Instance.OnViewerKey("ArrowRight"));
        Assert.EndsWith($"images/{_oldest.Id}", Location);

        await viewer.InvokeAsync(() => viewer.Instance.OnViewerKey("ArrowLeft"));
        Assert.EndsWith($"images/{_newest.Id}", Location);
    }

    [Fact]
    public async Task EscapeGoesBackToTheGrid()
    {
        var viewer = RenderViewer(_middle);

        await viewer.InvokeAsync(() => viewer.Instance.OnViewerKey("Escape"));

        Assert.EndsWith("/gallery", Location);
    }

    [Fact]
    public void AtTheEndsOfTheGalleryThereIsNothingFurther()
    {
        var newest = RenderViewer(_newest);
        newest.WaitForAssertion(() => Assert.True(newest.Find("#viewer-previous").HasAttribute("disabled")));
        Assert.False(newest.Find("#viewer-next").HasAttribute("disabled"));

        var oldest = RenderViewer(_oldest);
        oldest.WaitForAssertion(() => Assert.True(oldest.Find("#viewer-next").HasAttribute("disabled")));
        Assert.False(oldest.Find("#viewer-previous").HasAttribute("disabled"));
    }

    [Fact]
    public void ZoomShowsTheImageAtOneHundredPercentAndBack()
    {
        var viewer = RenderViewer(_middle);

        viewer.Find("#viewer-zoom").Click();
        Assert.Contains("viewer-actual", viewer.Find(".viewer-frame").ClassList);
        Assert.Equal("true", viewer.Find("#viewer-zoom").GetAttribute("aria-pressed"));

        viewer.Find("#viewer-zoom").Click();
        Assert.DoesNotContain("viewer-actual", viewer.Find(".viewer-frame").ClassList);
    }
}
