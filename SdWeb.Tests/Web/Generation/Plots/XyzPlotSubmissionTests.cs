using Microsoft.EntityFrameworkCore;
using SdWeb.Generation;
using SdWeb.Generation.Plots;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation.Plots;

/// <summary>The submitter on a plot: one job of one image per cell, or a refusal naming the axis or the cell, with nothing stored.</summary>
[Layer(Layer.Web)]
public sealed class XyzPlotSubmissionTests
{
    [Fact]
    public async Task APlotIsOneJobWithAnImagePerCell()
    {
        using var h = await GenerationHarness.CreateAsync();
        var plot = new XyzPlot { X = new(XyzAxisKind.Seed, "1, 2"), Y = new(XyzAxisKind.CfgScale, "3-7 [3]") };

        var id = await h.SubmitAsync(change: r => r with { Plot = plot, ImageCount = 1 });

        var job = await h.JobAsync(id);
        Assert.Equal(6, job.ImageCount);
        Assert.Equal(plot, XyzPlot.FromJson(job.Plot!));
        Assert.Single(h.Queue.Snapshot());
    }

    [Fact]
    public async Task BadAxesAndBadCellsAreRefusedUnderPlotAndNothingIsStored()
    {
        using var h = await GenerationHarness.CreateAsync();
        var request = new JobRequest
        {
            Prompt = "a red fox", Steps = 2, Width = 64, Height = 64,
            Plot = new XyzPlot { X = new(XyzAxisKind.Steps, "0, 2"), Y = new(XyzAxisKind.Sampler, "Euler a, Warp drive") },
        };

        var result = await h.Submitter.SubmitAsync(request, "alice", CancellationToken.None);

        var error = Assert.Single(result.Errors[nameof(JobRequest.Plot)]);
        Assert.StartsWith("Y axis (Sampler): unknown sampler \"Warp drive\"", error, StringComparison.Ordinal);

        result = await h.Submitter.SubmitAsync(request with { Plot = request.Plot with { Y = null } }, "alice", CancellationToken.None);

        Assert.Equal(["Cell Steps: 0: Steps must be between 1 and 1000, not 0."], result.Errors[nameof(JobRequest.Plot)]);
        await using var db = h.Database.CreateDbContext();
        Assert.Equal(0, await db.Jobs.CountAsync());
        Assert.Equal(0, h.Queue.Count);
    }
}
