using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Storage;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Http;

[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public class ImageApiTests(SdWebApp app)
{
    /// <summary>Stores an image for <paramref name="userName"/> through the app's own ImageStore, as the worker does.</summary>
    private async Task<ImageRecord> StoreAsync(string userName, long seed)
    {
        var job = new GenerationJob
        {
            UserId = await app.UserIdAsync(userName), Prompt = "api test", Sampler = "euler_a", ModelName = "model-a", Steps = 2, Seed = seed,
        };
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            db.Jobs.Add(job);
            await db.SaveChangesAsync();
        }
        using var image = ImageStoreBed.Pattern(seed);
        var saved = app.Services.GetRequiredService<ImageStore>().Save(job, ImageStoreBed.Result(job, image));
        return saved.Single();
    }

    private string FullPath(string relative) => app.Services.GetRequiredService<ImagePaths>().Full(relative);

    [Fact]
    public async Task ServesThePngTheThumbnailAndADownloadNamedAfterTheImage()
    {
        var image = await StoreAsync("admin", 11);
        var client = await app.MemberAsync("viewer");

        var png = await client.GetAsync($"/api/images/{image.Id}");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(FullPath(image.FilePath)), await png.Content.ReadAsByteArrayAsync());
        Assert.Null(png.Content.Headers.ContentDisposition);

        var thumb = await client.GetAsync($"/api/images/{image.Id}/thumb");
        Assert.Equal("image/webp", thumb.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(FullPath(image.ThumbPath)), await thumb.Content.ReadAsByteArrayAsync());

        var download = await client.GetAsync($"/api/images/{image.Id}?download=true");
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal($"sdweb-{image.CreatedAt:yyyyMMdd-HHmmss}-11.png", download.Content.Headers.ContentDisposition.FileNameStar);
    }

    [Theory]
    [InlineData("/api/images/6b1c0a52-3a4e-4f59-9d55-1d5b2a3f0c11")]
    [InlineData("/api/images/6b1c0a52-3a4e-4f59-9d55-1d5b2a3f0c11/thumb")]
    [InlineData("/api/images/..%2F..%2Fsdweb.db")]
    [InlineData("/api/images/%2Fetc%2Fpasswd/thumb")]
    [InlineData("/api/images/images%2F2026%2F03%2F14%2Fx.png")]
    public async Task UnknownIdsAndAnythingButAnIdAreNotFound(string path)
    {
        var client = await app.AdminAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task OnlyTheAuthorOrAnAdminDeletes()
    {
        var image = await StoreAsync("admin", 12);
        var other = await app.MemberAsync("not-the-author");

        var refused = await other.DeleteAsync($"/api/images/{image.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only the image's author or an administrator may delete it.", await refused.Content.ReadAsStringAsync());
        Assert.True(File.Exists(FullPath(image.FilePath)));

        var admin = await app.AdminAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/images/{image.Id}")).StatusCode);
        Assert.False(File.Exists(FullPath(image.FilePath)));
        Assert.False(File.Exists(FullPath(image.ThumbPath)));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/images/{image.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/images/{image.Id}")).StatusCode);
    }

    [Fact]
    public async Task AuthorsDeleteTheirOwn()
    {
        var author = await app.MemberAsync("author");
        var image = await StoreAsync("author", 13);
        Assert.Equal(HttpStatusCode.NoContent, (await author.DeleteAsync($"/api/images/{image.Id}")).StatusCode);
    }

    [Fact]
    public async Task TheGalleryAndDetailPagesRenderForSignedInUsers()
    {
        var image = await StoreAsync("admin", 14);
        var client = await app.AdminAsync();

        var gallery = await client.GetStringAsync("/gallery?q=api");
        Assert.Contains($"api/images/{image.Id}/thumb", gallery);
        var detail = await client.GetStringAsync($"/images/{image.Id}");
        Assert.Contains($"api/images/{image.Id}", detail);
        Assert.Contains("api test", detail);
    }
}
