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

    private IRenderedComponent<JobCard> RenderCard(params JobUpdate[] updates)
    {
        var card = new JobCardModel(JobId, "a lighthouse");
        foreach (var update in updates) card.Apply(update);
        return Render<JobCard>(p => p.Add(c => c.Card, card));
    }

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
}
