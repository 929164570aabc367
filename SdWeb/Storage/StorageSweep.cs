using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Storage;

/// <summary>What the start-up sweep found. Orphans are reported, never deleted: they may be someone's only copy.</summary>
public sealed record SweepReport(IReadOnlyList<string> TempFilesRemoved, IReadOnlyList<string> FilesWithoutRows, IReadOnlyList<Guid> RowsWithoutFiles);

/// <summary>
/// Runs at start: removes temporary files left by an interrupted save or delete, and reports image files without a row
/// and rows whose PNG is missing.
/// </summary>
public sealed class StorageSweep(IDbContextFactory<AppDbContext> dbFactory, ImagePaths paths, ILogger<StorageSweep> log)
{
    /// <summary>What the last sweep found, for administrators (<c>GET /api/admin/storage</c>); null before it ran.</summary>
    public SweepReport? LastReport { get; private set; }

    public async Task<SweepReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var temps = new List<string>();
        var files = new List<string>();
        if (Directory.Exists(paths.ImagesPath))
        {
            foreach (var file in Directory.EnumerateFiles(paths.ImagesPath, "*", SearchOption.AllDirectories))
            {
                if (file.EndsWith(ImagePaths.TempSuffix, StringComparison.Ordinal))
                {
                    File.Delete(file);
                    temps.Add(file);
                }
                else files.Add(Path.GetRelativePath(paths.DataPath, file).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Images.Select(i => new { i.Id, i.FilePath, i.ThumbPath }).ToListAsync(cancellationToken);
        var grids = await db.Jobs.Where(j => j.PlotGridPath != null).Select(j => j.PlotGridPath!).ToListAsync(cancellationToken);
        var known = rows.SelectMany(r => new[] { r.FilePath, r.ThumbPath }).Concat(grids).ToHashSet(StringComparer.Ordinal);
        var onDisk = files.ToHashSet(StringComparer.Ordinal);

        var report = new SweepReport(
            temps,
            files.Where(f => !known.Contains(f)).Order(StringComparer.Ordinal).ToList(),
            rows.Where(r => !onDisk.Contains(r.FilePath)).Select(r => r.Id).ToList());

        foreach (var temp in report.TempFilesRemoved) log.LogInformation("Removed the unfinished file {File}", temp);
        foreach (var file in report.FilesWithoutRows) log.LogWarning("Image file without a database row (kept): {File}", file);
        foreach (var id in report.RowsWithoutFiles) log.LogWarning("Image {Id} has a row but its PNG is missing", id);
        LastReport = report;
        return report;
    }
}
