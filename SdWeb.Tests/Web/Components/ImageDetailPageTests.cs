using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using SdWeb.Auth;
using SdWeb.Components.Pages;
using SdWeb.Data;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Gallery;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class ImageDetailPageTests : MudComponentTest
{
    private ImageStoreBed _bed = default!;
    private ImageRecord _image = default!;
    private readonly JobNotifier _notifier = new(1000, TimeProvider.System, NullLogger<JobNotifier>.Instance);
    private BunitAuthorizationContext _auth = default!;

    public override async Task InitializeAsync()
    {
        _bed = await ImageStoreBed.CreateAsync();
        _image = await _bed.AddImageAsync("a fox <b>bold</b>", 77, negative: "blurry", model: "model-a");
        Services.AddSingleton(new ImageDetails(_bed.Database));
        Services.AddSingleton(_bed.Store);
        Services.AddSingleton(_bed.Paths);
        Services.AddSingleton(new JobSubmitter(_bed.Database, new FakeModelLibrary("model-a"), new LocalJobDispatch(new JobQueue(), new JobCancellations()),
            GenerationLimits.Default, new SubmissionRateLimiter(new SdWebOptions()),
            new JobNetworks(NetworkLibrary.InModelsFolder(_bed.Paths.Full("models"))), new PromptStyleLibrary(_bed.Database, TimeProvider.System),
            new VaeLibrary(new SdWebOptions { ModelsDir = _bed.Paths.Full("models") })));
        Services.AddSingleton(_notifier);
        _auth = AddAuthorization();
    }

    private void SignIn(string userId, bool admin = false)
    {
        _auth.SetAuthorized(userId);
        if (admin) _auth.SetRoles(Roles.Admin);
        _auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        _signedIn = true;
    }

    protected override Task DisposeTestAsync()
    {
        _bed.Dispose();
        return Task.CompletedTask;
    }

    private bool _signedIn;

    private IRenderedComponent<ImageDetail> RenderPage(Guid? id = null)
    {
        if (!_signedIn) SignIn("alice");
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        var page = Render<ImageDetail>(p => p.Add(c => c.Id, id ?? _image.Id));
        page.WaitForAssertion(() => Assert.DoesNotContain("Loading…", page.Markup));
        return page;
    }

    [Fact]
    public void ShowsTheImageAndEveryParameterWithPromptsAsText()
    {
        var page = RenderPage();

        Assert.Equal($"api/images/{_image.Id}", page.Find("img.detail-image").GetAttribute("src"));
        Assert.Equal("a fox <b>bold</b>", page.Find("#detail-prompt").TextContent);
        Assert.Empty(page.FindAll("#detail-prompt b"));
        var table = page.Find(".detail-table").TextContent;
        foreach (var expected in new[] { "blurry", "77", "20", "7.5", "Euler a", "64 × 48", "model-a", "abc1234567", "cpu, fp32, Winograd convolutions, 3.0 s", "alice" })
            Assert.Contains(expected, table);
        Assert.Equal($"generate?from={_image.Id}", page.Find("#reuse").GetAttribute("href"));
        Assert.Equal($"api/images/{_image.Id}?download=true", page.Find("#download").GetAttribute("href"));
    }

    [Fact]
    public void TheParametersTextIsTheOneStoredInThePngAndCopiesToTheClipboard()
    {
        using var png = File.OpenRead(_bed.Paths.Full(_image.FilePath));
        var stored = ParametersPng.ReadText(png)!;
        var clipboard = JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true);
        var page = RenderPage();

        Assert.Equal(stored, page.Find("#parameters-text").TextContent);
        page.Find("#copy-parameters").Click();
        Assert.Equal(stored, clipboard.VerifyInvoke("navigator.clipboard.writeText").Arguments[0]);
    }

    [Fact]
    public async Task FavouriteTogglesTheStarAndTheRow()
    {
        var page = RenderPage();
        Assert.Equal("Add to favourites", page.Find("#favourite").GetAttribute("aria-label"));

        page.Find("#favourite").Click();

        page.WaitForAssertion(() => Assert.Equal("Remove from favourites", page.Find("#favourite").GetAttribute("aria-label")));
        Assert.True((await _bed.RowsAsync()).Single().Favourite);
    }

    [Theory]
    [InlineData("alice", false, true)]
    [InlineData("bob", false, false)]
    [InlineData("bob", true, true)]
    public void OnlyTheAuthorOrAnAdminSeesDelete(string user, bool admin, bool seesDelete)
    {
        SignIn(user, admin);
        Assert.Equal(seesDelete, RenderPage().FindAll("#delete").Count == 1);
    }

    [Fact]
    public async Task DeleteAsksThenRemovesFileAndRowAndReturnsToTheGallery()
    {
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage();

        page.Find("#delete").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete this image?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.EndsWith("/gallery", Services.GetRequiredService<NavigationManager>().Uri));
        Assert.Empty(await _bed.RowsAsync());
        Assert.False(File.Exists(_bed.Paths.Full(_image.FilePath)));
    }

    [Fact]
    public async Task ReproduceQueuesTheStoredParametersAndSaysWhenTheNewImageIsPixelIdentical()
    {
        var page = RenderPage();

        page.Find("#reproduce").Click();

        page.WaitForAssertion(() => Assert.Contains("Reproducing…", page.Find("#reproduce-status").TextContent));
        GenerationJob job;
        await using (var db = _bed.Database.CreateDbContext())
            job = await db.Jobs.AsNoTracking().SingleAsync(j => j.ReproducesImageId == _image.Id);
        Assert.Equal((77L, "a fox <b>bold</b>", "blurry", 1, "alice"), (job.Seed!.Value, job.Prompt, job.NegativePrompt, job.ImageCount, job.UserId));

        // The worker's part: the same pixels come out and are stored for the job, then the job is announced finished.
        using var same = ImageStoreBed.Pattern(77);
        _bed.Store.Save(job, ImageStoreBed.Result(job, same));
        _notifier.Publish(new JobUpdate(job.Id, "alice", JobStatus.Succeeded));

        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("#reproduce-status"));
            Assert.Contains("Reproduced as", page.Find(".reproduction-note").TextContent);
            Assert.Contains("pixel-identical.", page.Find(".reproduction-note").TextContent);
        });
    }

    [Fact]
    public async Task AReproductionWithOtherPixelsSaysTheyDifferAndWhatRanEach()
    {
        var job = await _bed.AddJobAsync("a fox <b>bold</b>", 77, reproduces: _image.Id);
        using var other = ImageStoreBed.Pattern(78);
        var result = ImageStoreBed.Result(job, other);
        var copy = _bed.Store.Save(job, result with { Parameters = result.Parameters with { Kernels = KernelChoice.Libtorch } }).Single();

        var page = RenderPage(copy.Id);

        Assert.Equal("cpu, fp32, libtorch's kernels, 3.0 s", page.Find("#ran-on").TextContent);
        var note = page.Find(".reproduction-note").TextContent;
        Assert.Contains("Reproduction of", note);
        Assert.Contains("the pixels differ: the original ran on cpu, fp32, Winograd convolutions, this one on cpu, fp32, libtorch's kernels.", note);
    }

    [Fact]
    public async Task AnUploadedSourceOffersNothingToReproduce()
    {
        using var pixels = ImageStoreBed.Pattern(3);
        var upload = await _bed.Store.ImportAsync(pixels, "alice", CancellationToken.None);

        var page = RenderPage(upload.Id);

        Assert.Contains("Uploaded as an img2img source", page.Markup);
        Assert.Empty(page.FindAll("#reproduce"));
        Assert.Empty(page.FindAll("#reuse"));
        Assert.Empty(page.FindAll("#copy-parameters"));
        Assert.Single(page.FindAll("#download"));
    }

    [Fact]
    public void AnUnknownImageSaysSo()
    {
        var page = RenderPage(Guid.NewGuid());
        Assert.Contains("This image does not exist (it may have been deleted).", page.Markup);
    }
}
