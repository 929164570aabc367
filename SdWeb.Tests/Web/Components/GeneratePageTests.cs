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
using SdWeb.Engine.Pipelines.Hires;
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

    /// <summary>
    /// Reuse of an inpainting image brings back its source image, its inpaint options and, in the painter, the mask the job
    /// stored (the painter's script receives the stored PNG's bytes; the browser test checks the pixels it shows).
    /// </summary>
    [Fact]
    public async Task ReuseOfAnInpaintingImageRestoresItsSourceAndPutsItsMaskInThePainter()
    {
        var painter = JSInterop.SetupModule("./js/maskPainter.js");
        var sourceId = await StoreImageAsync();
        byte[] mask = [0x89, (byte)'P', (byte)'N', (byte)'G', 7, 7, 7];
        var inpaintedId = await StoreImageAsync(image =>
        {
            (image.SourceImageId, image.Strength, image.Mask) = (sourceId, 0.8, mask);
            (image.MaskBlur, image.InpaintOnlyMasked, image.InpaintPadding) = (10, true, 40);
        });
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"generate?from={inpaintedId}");

        var page = RenderPage();

        page.WaitForAssertion(() => painter.VerifyInvoke("loadMask"));
        var loaded = painter.Invocations["loadMask"].Single();
        Assert.Equal(mask, Assert.IsType<byte[]>(loaded.Arguments[1]));
        Assert.Equal(false, loaded.Arguments[2]);
        Assert.Equal($"api/images/{sourceId}", page.Find("#mask-painter .mask-source").GetAttribute("src"));
        Assert.Equal("10", page.Find("#mask-blur").GetAttribute("value"));
        Assert.Equal("40", page.Find("#inpaint-padding").GetAttribute("value"));
    }

    /// <summary>
    /// A txt2img PNG with a hires fix, a variation seed and clip skip, its parameters as AUTOMATIC1111 writes them: every
    /// one reaches the form, so Generate queues the job the PNG describes.
    /// </summary>
    [Fact]
    public async Task ADroppedPngFillsTheHiresVariationAndClipSkipFieldsAndGenerateQueuesThem()
    {
        const string infotext = """
            a lighthouse on a cliff, stormy sea
            Negative prompt: blurry
            Steps: 24, Sampler: DPM++ 2M SDE Karras, CFG scale: 6.5, Seed: 4242, Size: 512x768, Model hash: 6ce0161689, Model: model-b, Variation seed: 777, Variation seed strength: 0.35, Denoising strength: 0.45, Clip skip: 2, Hires upscale: 1.5, Hires steps: 12, Hires upscaler: Latent (nearest), Version: v1.10.1
            """;
        var page = RenderPage();

        DropPng(page, infotext);

        page.WaitForAssertion(() => Assert.Contains("Loaded the AUTOMATIC1111 parameters", page.Find("#png-message").TextContent));
        Assert.False(page.Find("#hires-scale").HasAttribute("disabled"), "the hires fix is switched on");
        Assert.Equal("1.5", page.Find("#hires-scale").GetAttribute("value"));
        Assert.Equal("12", page.Find("#hires-steps").GetAttribute("value"));
        Assert.Equal("0.45", page.Find("#hires-denoise").GetAttribute("value"));
        Assert.Equal("777", page.Find("#variation-seed").GetAttribute("value"));
        Assert.Equal("2", page.Find("#clip-skip").GetAttribute("value"));

        page.Find("#generate").Click();

        var job = await QueuedJobAsync(page);
        Assert.Equal(new HiresFix { Upscaler = HiresUpscaler.LatentNearest, Scale = 1.5, Steps = 12, Denoise = 0.45 }, job.Hires);
        Assert.Equal((777L, 0.35), (job.Subseed, job.SubseedStrength));
        Assert.Equal((2, 4242L, "dpmpp_2m_sde_karras", 512, 768), (job.ClipSkip, job.Seed, job.Sampler, job.Width, job.Height));
    }

    /// <summary>An inpainting PNG's "Denoising strength", "Mask blur", "Inpaint area" and "Masked area padding" fill the inpaint panel.</summary>
    [Fact]
    public async Task ADroppedInpaintingPngFillsTheStrengthAndTheInpaintPanel()
    {
        const string infotext = """
            a red sailing boat
            Steps: 30, Sampler: Euler a, CFG scale: 7, Seed: 99, Size: 512x512, Model hash: 6ce0161689, Model: model-b, Denoising strength: 0.6, Mask blur: 9, Inpaint area: Only masked, Masked area padding: 48, Version: v1.10.1
            """;
        var imageId = await StoreImageAsync();
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"generate?source={imageId}&inpaint=true");
        var page = RenderPage();
        page.WaitForAssertion(() => page.Find("#mask-blur"));

        DropPng(page, infotext);

        page.WaitForAssertion(() => Assert.Equal("9", page.Find("#mask-blur").GetAttribute("value")));
        Assert.Equal("48", page.Find("#inpaint-padding").GetAttribute("value"));
        Assert.False(page.Find("#inpaint-padding").HasAttribute("disabled"), "Only masked is on, so its padding applies");
        Assert.Contains("Denoising strength 0.60", page.Markup);
    }

    private static void DropPng(IRenderedComponent<Generate> page, string infotext)
    {
        var png = SdWeb.Tests.Imaging.ForeignPngMetadata.Png(("parameters", infotext.ReplaceLineEndings("\n")));
        page.FindComponents<Microsoft.AspNetCore.Components.Forms.InputFile>()
            .Single(c => c.Instance.AdditionalAttributes is { } attributes && attributes.TryGetValue("id", out var id) && id as string == "png-drop-input")
            .UploadFiles(InputFileContent.CreateFromBinary(png, "lighthouse.png", contentType: "image/png"));
    }

    /// <summary>The job Generate queued, waited for off the renderer's dispatcher (the submit runs on it).</summary>
    private async Task<GenerationJob> QueuedJobAsync(IRenderedComponent<Generate> page)
    {
        for (var tries = 0; _h.Queue.Count == 0 && tries < 100; tries++) await Task.Delay(100);
        Assert.True(_h.Queue.Count == 1, "nothing was queued: " + string.Join(" ", page.FindAll(".mud-input-error").Select(e => e.TextContent)));
        await using var db = _h.Database.CreateDbContext();
        return await db.Jobs.AsNoTracking().SingleAsync();
    }

    private async Task<Guid> StoreImageAsync(Action<ImageRecord>? change = null)
    {
        await using var db = _h.Database.CreateDbContext();
        var image = new ImageRecord
        {
            UserId = "bob", Prompt = "a red fox in snow", Seed = 1234, Steps = 28, CfgScale = 6, Sampler = "euler_a",
            Width = 512, Height = 512, ModelName = "model-b", FilePath = "images/x.png", ThumbPath = "images/x.thumb.webp",
        };
        change?.Invoke(image);
        db.Images.Add(image);
        await db.SaveChangesAsync();
        return image.Id;
    }

    /// <summary>The text around an input: its MudBlazor field, including the helper/error line under it.</summary>
    private static string FieldText(IRenderedComponent<Generate> page, string inputSelector) =>
        page.Find(inputSelector).Closest(".mud-input-control")!.TextContent;
}
