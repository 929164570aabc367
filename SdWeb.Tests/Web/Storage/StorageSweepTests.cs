using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Storage;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Storage;

[Layer(Layer.Web)]
public class StorageSweepTests
{
    [Fact]
    public async Task RemovesUnfinishedFilesAndReportsOrphansWithoutDeletingThem()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        var kept = await bed.AddImageAsync("kept", seed: 1);
        var lostFile = await bed.AddImageAsync("file lost", seed: 2);
        File.Delete(bed.Paths.Full(lostFile.FilePath));
        var folder = Path.GetDirectoryName(bed.Paths.Full(kept.FilePath))!;
        var temp = Path.Combine(folder, "half-written.png.tmp");
        var stray = Path.Combine(folder, "stray.png");
        await File.WriteAllTextAsync(temp, "partial");
        await File.WriteAllTextAsync(stray, "no row");

        var report = await new StorageSweep(bed.Database, bed.Paths, NullLogger<StorageSweep>.Instance).RunAsync();

        Assert.Equal([temp], report.TempFilesRemoved);
        Assert.False(File.Exists(temp));
        Assert.Equal(["images/2026/03/14/stray.png"], report.FilesWithoutRows);
        Assert.True(File.Exists(stray));
        Assert.Equal([lostFile.Id], report.RowsWithoutFiles);
        Assert.True(File.Exists(bed.Paths.Full(kept.FilePath)));
    }
}
