using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Generation.Plots;

/// <summary>A plot job as the grid view shows it: the axes read as the worker read them, and the image made for each cell so far.</summary>
public sealed record XyzPlotView(Guid JobId, XyzPlotLayout Layout, IReadOnlyDictionary<int, Guid> CellImages, string? GridPath);

/// <summary>Reads plot jobs for the grid view and the grid PNG. Like the gallery's images, every signed-in user may see them.</summary>
public sealed class XyzPlotReader(IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>Null when there is no such job or it is not a plot.</summary>
    public async Task<XyzPlotView?> ReadAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId)
            .Select(j => new { j.Plot, j.ImageCount, j.PlotGridPath }).FirstOrDefaultAsync(cancellationToken);
        if (job?.Plot is null || XyzPlotLayout.Read(XyzPlot.FromJson(job.Plot), job.ImageCount).Layout is not { } layout) return null;
        var cells = await db.Images.AsNoTracking().Where(i => i.JobId == jobId && i.PlotCell != null)
            .Select(i => new { Cell = i.PlotCell!.Value, i.Id }).ToListAsync(cancellationToken);
        return new XyzPlotView(jobId, layout, cells.ToDictionary(c => c.Cell, c => c.Id), job.PlotGridPath);
    }

    /// <summary>The grid PNG's path relative to DataDir, once the plot is finished.</summary>
    public async Task<string?> GridPathAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.PlotGridPath).FirstOrDefaultAsync(cancellationToken);
    }
}
