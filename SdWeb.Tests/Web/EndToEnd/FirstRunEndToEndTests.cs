using Microsoft.Playwright;
using SdWeb.Engine.Training;
using SdWeb.Engine.Training.Evaluation;
using SdWeb.Engine.Training.Scenes;
using SdWeb.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>
/// A newcomer's first run, with nothing in the models folder: the app installs the demo model it ships, the banner
/// suggests prompts, and a suggested prompt becomes the picture it asks for, judged from the pixels by the same
/// <see cref="SceneChecker"/> as the demo model's held-out scores. With SDWEB_SCREENSHOTS=1 it saves the README's
/// first-run screenshots.
/// </summary>
[Layer(Layer.Browser)]
public sealed class FirstRunEndToEndTests
{
    /// <summary>The first of the evaluation's seeds (0…7) for the suggested prompts.</summary>
    private const long Seed = 0;

    /// <summary>
    /// The suggestion this test draws: the first, the red circle, drawn as a circle at all eight evaluation seeds
    /// (docs/demo-model.md, the suggested prompts' grid). The model's scores are the evaluation's to report; this test
    /// checks that a newcomer's first run reaches a picture the same check accepts.
    /// </summary>
    private const int Suggestion = 0;

    [Fact]
    public async Task ASuggestedPromptOnTheShippedDemoModelDrawsTheSceneItNames()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "DemoModel", DemoModelTraining.ManifestFileName);
        Assert.True(File.Exists(shipped), $"The build output has no trained demo model ({shipped}); SdWeb/DemoModel is packed by `models pack-demo`.");
        using var dir = new TempDir();
        using var app = await AppProcess.StartFirstRunAsync(dir["data"], dir["models"], TimeSpan.FromMinutes(3));
        await Chromium.DriveAsync(app, "sdweb-first-run-failure.png", DriveAsync);
    }

    private static async Task DriveAsync(IPage page, IBrowserContext context)
    {
        var scene = SuggestedScenes.All[Suggestion];
        await AccountPages.RegisterAsync(page, "ada", "Lighthouse-2026!");
        await page.WaitForSelectorAsync("#generate-form[data-interactive=true]");

        // The banner names the trained model and offers its suggestions; a click puts one in the prompt box.
        var suggestion = page.Locator(".demo-suggestions .mud-chip", new() { HasTextString = scene.Caption });
        await suggestion.WaitForAsync();
        await ReadmeScreenshots.SaveAsync(page, "first-run.png");
        await suggestion.ClickAsync();
        await Assertions.Expect(page.Locator("#prompt")).ToHaveValueAsync(scene.Caption); // set by a server round trip
        // The form's defaults are the demo model's own settings.
        Assert.Equal(DemoModelTraining.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InputValueAsync("#steps"));
        Assert.Equal(DemoModelTraining.ImageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.InputValueAsync("#width"));

        await page.ClickAsync("#seed-lock");
        await page.FillAsync("#seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#generate");
        var card = page.Locator(".job-card[data-status=Succeeded], .job-card[data-status=Failed]").First;
        await card.WaitForAsync(new() { Timeout = 300_000 });
        Assert.True(await card.GetAttributeAsync("data-status") == "Succeeded", $"The job failed: {await card.InnerTextAsync()}");
        await page.EvaluateAsync("window.scrollTo(0, 0)"); // Generate scrolled the form; the job card sits at the top
        await ReadmeScreenshots.SaveAsync(page, "first-run-result.png");
        var imageId = (await card.Locator("a[href^='images/']").First.GetAttributeAsync("href"))!["images/".Length..];

        var response = await context.APIRequest.GetAsync($"/api/images/{imageId}");
        Assert.Equal(200, response.Status);
        using var image = Image.Load<Rgb24>(await response.BodyAsync());
        Assert.Equal((DemoModelTraining.ImageSize, DemoModelTraining.ImageSize), (image.Width, image.Height));
        var judgement = SceneChecker.Judge(image, scene);
        Assert.True(judgement is { BackgroundRight: true, ObjectRight: true, ShapeRight: true },
            $"'{scene.Caption}', seed {Seed}: the picture shows {judgement}");
    }
}
