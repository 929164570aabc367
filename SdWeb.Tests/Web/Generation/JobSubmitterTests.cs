using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class JobSubmitterTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnAcceptedJobIsStoredBeforeItIsQueuedWithTheDefaultModel(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);

        var id = await h.SubmitAsync(change: r => r with { NegativePrompt = "blurry", CfgScale = 5, ImageCount = 2 });

        var job = await h.JobAsync(id);
        Assert.Equal(("alice", JobStatus.Queued, "model-a"), (job.UserId, job.Status, job.ModelName));
        Assert.Equal(("a red fox", "blurry", 5.0, 2), (job.Prompt, job.NegativePrompt, job.CfgScale, job.ImageCount));
        Assert.True(job.Sequence > 0);
        Assert.Equal(new QueuedJob(id, "alice", job.Sequence), Assert.Single(h.Queue.Snapshot()));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task BadValuesAreRefusedWithTheEnginesMessagesKeyedByFormFieldAndNothingIsStored(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var request = new JobRequest
        {
            Prompt = " ", Steps = 0, CfgScale = 99, Width = 500, ImageCount = 40, Sampler = "warp", Model = "nope",
        };

        var result = await h.Submitter.SubmitAsync(request, "alice", CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Equal(["No prompt given; describe the image to generate."], result.Errors[nameof(JobRequest.Prompt)]);
        Assert.Equal(["Steps must be between 1 and 1000, not 0."], result.Errors[nameof(JobRequest.Steps)]);
        Assert.Equal(["CFG scale must be between 0 and 50, not 99."], result.Errors[nameof(JobRequest.CfgScale)]);
        Assert.Equal(["Width must be a positive multiple of 8, not 500."], result.Errors[nameof(JobRequest.Width)]);
        Assert.Equal(["1 prompt(s) × 40 image(s) = 40 images; at most 16 per job."], result.Errors[nameof(JobRequest.ImageCount)]);
        Assert.StartsWith("Unknown sampler 'warp'.", Assert.Single(result.Errors[nameof(JobRequest.Sampler)]));
        Assert.Equal(["Unknown model 'nope'. Available: model-a, model-b."], result.Errors[nameof(JobRequest.Model)]);
        await using var db = h.Database.CreateDbContext();
        Assert.Equal(0, await db.Jobs.CountAsync());
        Assert.Equal(0, h.Queue.Count);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Img2imgFromAMissingGalleryImageIsRefusedAndStrengthIsChecked(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var missing = Guid.NewGuid();

        var result = await h.Submitter.SubmitAsync(
            new JobRequest { Prompt = "fox", SourceImageId = missing, Strength = 1.5 }, "alice", CancellationToken.None);

        Assert.Equal([$"Source image {missing} does not exist (it may have been deleted); pick another one."],
            result.Errors[nameof(JobRequest.SourceImageId)]);
        Assert.Equal(["Strength must be in (0, 1], not 1.5."], result.Errors[nameof(JobRequest.Strength)]);
    }
}
