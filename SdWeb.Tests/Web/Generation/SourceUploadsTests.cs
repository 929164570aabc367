using System.Buffers.Binary;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Generation;

public class SourceUploadsTests
{
    private static MemoryStream Png(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height, new Rgb24(10, 200, 30));
        var stream = new MemoryStream();
        image.SaveAsPng(stream);
        stream.Position = 0;
        return stream;
    }

    [Fact]
    public async Task An_uploaded_image_becomes_the_source_of_an_img2img_job()
    {
        using var h = await GenerationHarness.CreateAsync();
        var sourceId = await h.Uploads.SaveAsync(Png(96, 80), "start.png", CancellationToken.None);

        var jobId = await h.SubmitAsync(change: r => r with { SourceImageId = sourceId, Strength = 0.5 });
        (int Width, int Height, Rgb24 Pixel, double Strength)? seen = null;
        h.Factory.Configure = p => p.BeforeStep = (request, _, _) =>
            seen ??= (request.InitImage!.Width, request.InitImage.Height, request.InitImage[5, 5], request.Strength);
        await h.RunNextAsync();

        Assert.Equal(JobStatus.Succeeded, (await h.JobAsync(jobId)).Status);
        Assert.Equal((96, 80, new Rgb24(10, 200, 30), 0.5), seen);
    }

    [Fact]
    public async Task An_upload_over_the_byte_limit_is_refused_while_reading()
    {
        using var h = await GenerationHarness.CreateAsync();
        var uploads = new SourceUploads(h.Options with { MaxUploadBytes = 1024 }, Engine.Pipelines.Validation.GenerationLimits.Default);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => uploads.SaveAsync(new MemoryStream(new byte[5000]), "big.png", CancellationToken.None));

        Assert.Equal("big.png is larger than the upload limit of 0 MB; use a smaller image.", error.Message);
    }

    [Fact]
    public async Task A_non_image_is_refused_and_nothing_is_written()
    {
        using var h = await GenerationHarness.CreateAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            h.Uploads.SaveAsync(new MemoryStream("not a picture"u8.ToArray()), "notes.txt", CancellationToken.None));

        Assert.StartsWith("notes.txt is not an image format that can be read", error.Message);
        Assert.False(Directory.Exists(Path.Combine(h.Options.DataPath, SourceUploads.Folder)));
    }

    [Fact]
    public async Task A_png_declaring_huge_dimensions_is_refused_from_its_header_before_decoding()
    {
        using var h = await GenerationHarness.CreateAsync();
        var png = Png(8, 8).ToArray();
        // IHDR starts at byte 16: width and height, big-endian. Claim 100000 × 100000 pixels (the CRC no longer matters:
        // the header is read for its size, and the upload must be refused before the pixels are).
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 100_000);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Uploads.SaveAsync(new MemoryStream(png), "bomb.png", CancellationToken.None));

        Assert.Contains("bomb.png", error.Message);
    }
}
