using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Gallery;
using SdWeb.Generation;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

/// <summary>
/// An image records the kernels that made it; Reproduce asks the engine for those, so an image made with libtorch's
/// convolutions (before Winograd, or with SdWeb:Convolutions=libtorch) re-runs on them wherever the worker's own differ.
/// </summary>
[Layer(Layer.Web)]
public sealed class JobKernelsTests
{
    [Fact]
    public async Task AnImageRecordsItsKernelsAndReproduceAsksTheEngineForThem()
    {
        using var h = await GenerationHarness.CreateAsync();
        await h.SubmitAsync();
        await h.RunNextAsync();
        var original = Assert.Single(await h.SavedAsync());
        Assert.Equal(FakePipeline.OwnKernels.Name, original.Kernels);
        Assert.Null(h.Factory.Loaded.Single().Requests.Single().Kernels); // a new job runs the worker's settings
        await SetKernelsAsync(h, original.Id, "libtorch"); // as if made on libtorch's convolutions

        var reproduction = await ReproduceAsync(h, original.Id);

        Assert.Equal(KernelChoice.Libtorch, h.Factory.Loaded.Single().Requests.Last().Kernels);
        Assert.Equal("libtorch", reproduction.Kernels);
        Assert.Null(JobRequests.FromImage(reproduction).Kernels); // Reuse starts a new image on the worker's own
    }

    [Fact]
    public async Task AnImageMadeBeforeKernelsWereRecordedReproducesOnTheWorkersOwn()
    {
        using var h = await GenerationHarness.CreateAsync();
        await h.SubmitAsync();
        await h.RunNextAsync();
        var original = Assert.Single(await h.SavedAsync());
        await SetKernelsAsync(h, original.Id, null);

        var reproduction = await ReproduceAsync(h, original.Id);

        Assert.Null(h.Factory.Loaded.Single().Requests.Last().Kernels);
        Assert.Equal(FakePipeline.OwnKernels.Name, reproduction.Kernels);
    }

    [Fact]
    public async Task UnknownKernelsAreRefusedNamingTheFieldAndTheChoices()
    {
        using var h = await GenerationHarness.CreateAsync();

        var result = await h.Submitter.SubmitAsync(new JobRequest { Prompt = "a fox", Kernels = "fft" }, "alice", CancellationToken.None);

        Assert.False(result.Accepted);
        var message = Assert.Single(result.Errors[nameof(JobRequest.Kernels)]);
        Assert.Contains("Unknown kernels 'fft'; use one of libtorch, winograd, bf16-attention, winograd+bf16-attention", message, StringComparison.Ordinal);
        await using var db = h.Database.CreateDbContext();
        Assert.Empty(await db.Jobs.ToListAsync());
    }

    private static async Task<ImageRecord> ReproduceAsync(GenerationHarness h, Guid originalId)
    {
        ImageRecord original;
        await using (var db = h.Database.CreateDbContext())
            original = await db.Images.AsNoTracking().SingleAsync(i => i.Id == originalId);
        var result = await h.Submitter.SubmitAsync(ReproduceRequest.For(original), "alice", CancellationToken.None);
        Assert.True(result.Accepted, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        Assert.Equal(original.Kernels, (await h.JobAsync(result.JobId!.Value)).Kernels);
        await h.RunNextAsync();
        return (await h.SavedAsync()).Single(i => i.ReproducesImageId == originalId);
    }

    private static async Task SetKernelsAsync(GenerationHarness h, Guid imageId, string? kernels)
    {
        await using var db = h.Database.CreateDbContext();
        await db.Images.Where(i => i.Id == imageId).ExecuteUpdateAsync(s => s.SetProperty(i => i.Kernels, kernels));
    }
}
