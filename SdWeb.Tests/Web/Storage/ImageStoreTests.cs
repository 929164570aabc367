using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Imaging;
using SdWeb.Storage;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Storage;

[Layer(Layer.Web)]
public class ImageStoreTests
{
    [Fact]
    public async Task SaveWritesThePngWithItsParametersAndAThumbnailUnderTheDateFolderThenCommitsTheRow()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        var record = await bed.AddImageAsync("a red fox, snow", seed: 42, negative: "blurry");

        Assert.Equal($"images/2026/03/14/{record.Id}.png", record.FilePath);
        Assert.Equal($"images/2026/03/14/{record.Id}.thumb.webp", record.ThumbPath);

        using (var png = File.OpenRead(bed.Paths.Full(record.FilePath)))
        {
            var parameters = A1111ParametersText.Parse(ParametersPng.ReadText(png)!);
            Assert.Equal("a red fox, snow", parameters.Prompt);
            Assert.Equal("blurry", parameters.NegativePrompt);
            Assert.Equal(42, parameters.Seed);
            Assert.Equal(20, parameters.Steps);
        }
        using (var saved = Image.Load<Rgb24>(bed.Paths.Full(record.FilePath)))
        using (var expected = ImageStoreBed.Pattern(42))
            Assert.Equal(PixelHash.Of(expected), PixelHash.Of(saved));

        var thumbInfo = Image.Identify(bed.Paths.Full(record.ThumbPath), out var thumbFormat);
        Assert.Equal("Webp", thumbFormat.Name);
        Assert.True(thumbInfo.Width <= Thumbnails.MaxSide && thumbInfo.Height <= Thumbnails.MaxSide);

        var row = Assert.Single(await bed.RowsAsync());
        Assert.Equal(("alice", 42L, "model-a", "abc1234567", "cpu", "fp32"), (row.UserId, row.Seed, row.ModelName, row.ModelHash, row.Device, row.DType));
        Assert.Empty(Directory.EnumerateFiles(bed.Paths.ImagesPath, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AnUploadIsStoredLikeAGeneratedImageButMarkedAsUpload()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        using var upload = ImageStoreBed.Pattern(9);

        var record = await bed.Store.ImportAsync(upload, "bob", CancellationToken.None);

        Assert.Equal((ImageStore.UploadMarker, "bob", 64, 48, PixelHash.Of(upload)), (record.ModelName, record.UserId, record.Width, record.Height, record.PixelHash));
        using (var saved = Image.Load<Rgb24>(bed.Paths.Full(record.FilePath)))
            Assert.Equal(PixelHash.Of(upload), PixelHash.Of(saved));
        Assert.True(File.Exists(bed.Paths.Full(record.ThumbPath)));
        Assert.Equal(record.Id, Assert.Single(await bed.RowsAsync()).Id);
    }

    [Fact]
    public async Task WhenTheRowCannotBeCommittedNoFileRemains()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        // A job that is not in the database: the image row's foreign key fails at commit, after the files were written.
        var unsaved = new GenerationJob { UserId = "alice", Prompt = "orphan", Sampler = "euler_a", ModelName = "model-a", Steps = 1 };
        using var image = ImageStoreBed.Pattern(1);

        Assert.Throws<DbUpdateException>(() => bed.Store.Save(unsaved, ImageStoreBed.Result(unsaved, image)));

        Assert.Empty(await bed.RowsAsync());
        Assert.Empty(Directory.EnumerateFiles(bed.Paths.ImagesPath, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DeleteRemovesPngThumbnailAndRowTogether()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        var record = await bed.AddImageAsync("to delete", seed: 5);

        Assert.Equal(DeleteOutcome.Deleted, await bed.Store.DeleteAsync(record.Id, "alice", isAdmin: false, CancellationToken.None));

        Assert.Empty(await bed.RowsAsync());
        Assert.Empty(Directory.EnumerateFiles(bed.Paths.ImagesPath, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task OnlyTheAuthorOrAnAdminMayDelete()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        var record = await bed.AddImageAsync("alice's", seed: 5);

        Assert.Equal(DeleteOutcome.Forbidden, await bed.Store.DeleteAsync(record.Id, "bob", isAdmin: false, CancellationToken.None));
        Assert.Single(await bed.RowsAsync());
        Assert.True(File.Exists(bed.Paths.Full(record.FilePath)));

        Assert.Equal(DeleteOutcome.Deleted, await bed.Store.DeleteAsync(record.Id, "bob", isAdmin: true, CancellationToken.None));
        Assert.Equal(DeleteOutcome.NotFound, await bed.Store.DeleteAsync(record.Id, "bob", isAdmin: true, CancellationToken.None));
    }

    [Fact]
    public async Task DeletedImagesLeaveTheFullTextIndex()
    {
        using var bed = await ImageStoreBed.CreateAsync();
        var record = await bed.AddImageAsync("unique zebra", seed: 5);
        await bed.Store.DeleteAsync(record.Id, "alice", isAdmin: false, CancellationToken.None);

        await using var db = bed.Database.CreateDbContext();
        Assert.Equal(0, await db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM ImageSearch").SingleAsync());
    }
}
