using Bunit;
using SdWeb.Components.Generate;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class JobCardTests : MudComponentTest
{
    private static readonly Guid JobId = Guid.NewGuid();

    private readonly List<(string Action, Guid Id)> _actions = [];

    private IRenderedComponent<JobCard> RenderCard(params JobUpdate[] updates) => RenderCard(new JobCardModel(JobId, "a lighthouse"), updates);

    private IRenderedComponent<JobCard> RenderCard(JobCardModel card, params JobUpdate[] updates)
    {
        foreach (var update in updates) card.Apply(update);
        return Render<JobCard>(p => p
            .Add(c => c.Card, card)
            .Add(c => c.OnRetry, id => _actions.Add(("retry", id)))
            .Add(c => c.OnReuse, id => _actions.Add(("reuse", id)))
            .Add(c => c.OnReproduce, id => _actions.Add(("reproduce", id)))
            .Add(c => c.OnDelete, id => _actions.Add(("delete", id))));
    }

    private static JobUpdate Finished(params Guid[] imageIds) => new(JobId, "alice", JobStatus.Succeeded, ImageIds: imageIds);

    private static JobUpdate Running(int image, int images, int step, int steps, TimeSpan eta, bool preview) =>
        new(JobId, "alice", JobStatus.Running, Progress: new JobProgress(image, images, step, steps, eta,
            preview ? new EncodedPreview(new PreviewImage(2, 2, new byte[12], false)) : null));

    [Fact]
    public void ARunningJobShowsStepETABarAndPreview()
    {
        var card = RenderCard(Running(2, 4, 5, 20, TimeSpan.FromSeconds(75), preview: true));

        Assert.Equal("Image 2/4 · Step 5/20 · ETA 1:15", card.Find(".job-step").TextContent.Trim());
        Assert.Equal("31.25", card.Find(".job-progress").GetAttribute("aria-valuenow"));
        Assert.StartsWith("data:image/jpeg;base64,", card.Find("img.job-preview").GetAttribute("src"));
        Assert.NotNull(card.Find(".job-cancel"));
    }

    [Fact]
    public void TheLastPreviewStaysWhenAnUpdateComesWithoutOne()
    {
        var card = RenderCard(Running(1, 1, 1, 20, TimeSpan.Zero, preview: true), Running(1, 1, 2, 20, TimeSpan.Zero, preview: false));

        Assert.Equal("1", card.Find("img.job-preview").GetAttribute("data-version"));
        Assert.Equal("Step 2/20 · ETA 0:00", card.Find(".job-step").TextContent.Trim());
    }

    [Fact]
    public void AQueuedJobShowsItsPlaceInLine()
    {
        var card = RenderCard(new JobUpdate(JobId, "alice", JobStatus.Queued, QueuePosition: 3));

        Assert.Equal("Position 3 in the queue", card.Find(".job-queue").TextContent.Trim());
        Assert.Empty(card.FindAll(".job-progress"));
    }

    [Fact]
    public void AFailedJobShowsItsReasonAndCannotBeCancelled()
    {
        var card = RenderCard(new JobUpdate(JobId, "alice", JobStatus.Failed, Error: "Out of memory on cpu while generating."));

        Assert.Contains("Out of memory on cpu while generating.", card.Find(".job-error").TextContent);
        Assert.Empty(card.FindAll(".job-cancel"));
    }

    [Fact]
    public void AFinishedJobLinksItsImagesToTheirDetailPages()
    {
        var imageId = Guid.NewGuid();
        var card = RenderCard(new JobUpdate(JobId, "alice", JobStatus.Succeeded, ImageIds: [imageId]));

        Assert.Equal($"images/{imageId}", card.Find(".job-card a").GetAttribute("href"));
        Assert.Equal($"api/images/{imageId}/thumb", card.Find("img.job-image").GetAttribute("src"));
    }

    [Fact]
    public void AFailedJobOffersARetryOfThatJob()
    {
        var card = RenderCard(new JobUpdate(JobId, "alice", JobStatus.Failed, Error: "Out of memory on cpu while generating."));

        card.Find(".job-retry").Click();

        Assert.Equal([("retry", JobId)], _actions);
    }

    [Fact]
    public void AMultiImageJobShowsEveryImageEachWithItsOwnNamedActions()
    {
        Guid[] images = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        var card = RenderCard(Finished(images));

        var tiles = card.FindAll(".job-image-tile");
        Assert.Equal(images.Select(id => id.ToString()), tiles.Select(t => t.GetAttribute("data-image-id")));
        var second = tiles[1];
        Assert.Equal($"images/{images[1]}", second.QuerySelector("a.job-open")!.GetAttribute("href"));
        Assert.Equal("Open image 2", second.QuerySelector("a.job-open")!.GetAttribute("aria-label"));
        Assert.Equal($"api/images/{images[1]}?download=true", second.QuerySelector(".job-download")!.GetAttribute("href"));
        Assert.Equal("Download image 2", second.QuerySelector(".job-download")!.GetAttribute("aria-label"));
        Assert.All(card.FindAll("button, a"), e => Assert.False(string.IsNullOrWhiteSpace(e.GetAttribute("aria-label") ?? e.TextContent)));
    }

    [Fact]
    public void ReuseReproduceAndDeleteActOnTheImageTheyBelongTo()
    {
        Guid[] images = [Guid.NewGuid(), Guid.NewGuid()];
        var card = RenderCard(Finished(images));

        card.FindAll(".job-image-tile")[1].QuerySelector(".job-reuse")!.Click();
        card.FindAll(".job-image-tile")[0].QuerySelector(".job-reproduce")!.Click();
        card.FindAll(".job-image-tile")[1].QuerySelector(".job-delete")!.Click();

        Assert.Equal([("reuse", images[1]), ("reproduce", images[0]), ("delete", images[1])], _actions);
    }

    [Fact]
    public void ADeletedImageLeavesTheCard()
    {
        Guid[] images = [Guid.NewGuid(), Guid.NewGuid()];
        var model = new JobCardModel(JobId, "a lighthouse");
        var card = RenderCard(model, Finished(images));

        model.RemoveImage(images[0]);
        card.Render();

        Assert.Equal([images[1].ToString()], card.FindAll(".job-image-tile").Select(t => t.GetAttribute("data-image-id")));
    }

    [Fact]
    public void TheProgressBarIsNamedAndTheStateIsAnnouncedPolitely()
    {
        var card = RenderCard(Running(1, 1, 7, 20, TimeSpan.FromSeconds(30), preview: false));

        Assert.Equal("Progress of \"a lighthouse\"", card.Find(".job-progress").GetAttribute("aria-label"));
        var announcement = card.Find(".job-announcement");
        Assert.Equal("polite", announcement.GetAttribute("aria-live"));
        Assert.Equal("Running, 30 percent", announcement.TextContent);
    }
}
