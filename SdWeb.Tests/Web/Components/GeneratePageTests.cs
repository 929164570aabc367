using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using SdWeb.Components.Pages;
using SdWeb.Data;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Generation;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class GeneratePageTests : MudComponentTest
{
    private GenerationHarness _h = default!;

    public override async Task InitializeAsync()
    {
        _h = await GenerationHarness.CreateAsync();
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddSingleton<IDbContextFactory<AppDbContext>>(_h.Database);
        Services.AddSingleton(_h.Options);
        Services.AddSingleton<IModelLibrary>(_h.Library);
        Services.AddSingleton(NetworkLibrary.InModelsFolder(_h.Options.ModelsDir));
        Services.AddSingleton(new VaeLibrary(_h.Options));
        Services.AddSingleton(_h.Submitter);
        Services.AddSingleton(_h.Styles);
        Services.AddSingleton(_h.Images);
        Services.AddSingleton(GenerationLimits.Default);
        Services.AddSingleton(_h.Canceller);
        Services.AddSingleton(_h.Notifier);
        Services.AddSingleton<TokenCounter>();
        Services.AddSingleton<ModelTextWidths>();
        Services.AddSingleton<JobReader>();
        Services.AddSingleton<SdWeb.Gallery.ImageDetails>();
        Services.AddSingleton<SdWeb.Auth.UserPreferences>();
        AddAuthorization().SetAuthorized("alice").SetClaims(new Claim(ClaimTypes.NameIdentifier, "alice"));
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    protected override Task DisposeTestAsync()
    {
        _h.Dispose();
        return Task.CompletedTask;
    }

    private IRenderedComponent<Generate> RenderPage()
    {
        Render<MudPopoverProvider>();
        return Render<Generate>();
    }

    [Fact]
    public void ServerSideValidationMessagesAppearNextToTheirFieldsAndNothingIsQueued()
    {
        var page = RenderPage();

        page.Find("#steps").Input("0");
        page.Find("#width").Input("500");
        page.Find("#generate").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Contains("No prompt given; describe the image to generate.", FieldText(page, "#prompt"));
            Assert.Contains("Steps must be between 1 and 1000, not 0.", FieldText(page, "#steps"));
            Assert.Contains("Width must be a positive multiple of 8, not 500.", FieldText(page, "#width"));
        });
        Assert.Equal(0, _h.Queue.Count);
    }

    [Fact]
    public void CtrlEnterSubmitsAndTheJobAppearsWithItsQueuePosition()
    {
        var page = RenderPage();

        page.Find("#prompt").Input("a lighthouse at dusk");
        page.Find("#generate-form").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter", CtrlKey = true });

        page.WaitForAssertion(() =>
        {
            var card = page.Find(".job-card");
            Assert.Equal("Queued", card.GetAttribute("data-status"));
            Assert.Contains("a lighthouse at dusk", card.TextContent);
            Assert.Equal("Next in line", page.Find(".job-queue").TextContent.Trim());
        });
        Assert.Equal(1, _h.Queue.Count);
    }

    [Fact]
    public void TheTokenCountShowsTheChunksALongPromptTakes()
    {
        var page = RenderPage();

        page.Find("#prompt").Input("a cat");
        page.WaitForAssertion(() => Assert.Equal("2 / 75 tokens", page.Find("#prompt-tokens").TextContent.Trim()));

        page.Find("#prompt").Input(string.Join(' ', Enumerable.Repeat("cat", 80)));
        page.WaitForAssertion(() => Assert.Equal(
            "80 / 150 tokens · 2 chunks of 75", page.Find("#prompt-tokens").TextContent.Trim()));
        // Where the chunks break: 75 cats, then the 5 left over.
        Assert.Equal(["Chunk 1: 75 tokens, ends “…cat cat cat cat”", "Chunk 2: 5 tokens, ends “…cat cat cat cat”"],
            page.FindAll("#prompt-tokens-chunks .chunk-break").Select(e => e.TextContent.Trim()));

        // Extra-network tags are not text CLIP reads.
        page.Find("#prompt").Input("a cat <lora:tiny-detail:0.8>");
        page.WaitForAssertion(() => Assert.Equal("2 / 75 tokens", page.Find("#prompt-tokens").TextContent.Trim()));
    }

    [Fact]
    public async Task ReuseFillsTheFormFromAStoredImageWithItsSeedLocked()
    {
        var imageId = await StoreImageAsync();
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo($"generate?from={imageId}");

        var page = RenderPage();

        Assert.Equal("a red fox in snow", page.Find("#prompt").GetAttribute("value") ?? page.Find("#prompt").TextContent);
        Assert.Equal("1234", page.Find("#seed").GetAttribute("value"));
        Assert.Equal("28", page.Find("#steps").GetAttribute("value"));
    }

    [Fact]
    public async Task InpaintFromTheDetailViewOpensTheFormWithThatImageAsSourceAndThePainterReady()
    {
        var imageId = await StoreImageAsync();
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo($"generate?source={imageId}&inpaint=true");

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal("512 × 512 px", page.Find("#source-size").TextContent.Trim()));
        Assert.Equal("Gallery image: a red fox in snow", page.Find("#source-name").TextContent.Trim());
        Assert.Equal($"api/images/{imageId}", page.Find("#mask-painter .mask-source").GetAttribute("src"));
    }

    private async Task<Guid> StoreImageAsync()
    {
        await using var db = _h.Database.CreateDbContext();
        var image = new ImageRecord
        {
            UserId = "bob", Prompt = "a red fox in snow", Seed = 1234, Steps = 28, CfgScale = 6, Sampler = "euler_a",
            Width = 512, Height = 512, ModelName = "model-b", FilePath = "images/x.png", ThumbPath = "images/x.thumb.webp",
        };
        db.Images.Add(image);
        await db.SaveChangesAsync();
        return image.Id;
    }

    /// <summary>The text around an input: its MudBlazor field, including the helper/error line under it.</summary>
    private static string FieldText(IRenderedComponent<Generate> page, string inputSelector) =>
        page.Find(inputSelector).Closest(".mud-input-control")!.TextContent;
}
