using SdWeb.Engine.Pipelines;
using SdWeb.Generation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Generation;

public class PreviewEncoderTests
{
    private static PreviewImage Solid(int width, int height, byte r, byte g, byte b) =>
        new(width, height, Enumerable.Range(0, width * height).SelectMany(_ => new[] { r, g, b }).ToArray(), false);

    [Fact]
    public void A_large_preview_becomes_a_jpeg_no_larger_than_the_limit_keeping_its_aspect_and_colour()
    {
        var jpeg = PreviewEncoder.ToJpeg(Solid(512, 768, 200, 30, 60));

        using var decoded = Image.Load<Rgb24>(jpeg);
        Assert.Equal((171, 256), (decoded.Width, decoded.Height));
        var centre = decoded[85, 128];
        Assert.InRange(centre.R, 190, 210);
        Assert.InRange(centre.G, 20, 40);
        Assert.InRange(centre.B, 50, 70);
    }

    [Fact]
    public void A_small_preview_keeps_its_size()
    {
        using var decoded = Image.Load<Rgb24>(PreviewEncoder.ToJpeg(Solid(64, 64, 0, 0, 0)));
        Assert.Equal((64, 64), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void A_preview_with_the_wrong_number_of_bytes_is_refused_with_the_sizes()
    {
        var error = Assert.Throws<ArgumentException>(() => PreviewEncoder.ToJpeg(new PreviewImage(4, 4, new byte[10], false)));
        Assert.StartsWith("A 4×4 RGB preview needs 48 bytes but has 10.", error.Message);
    }

    [Fact]
    public void The_data_url_carries_the_same_jpeg()
    {
        var preview = new EncodedPreview(Solid(8, 8, 1, 2, 3));
        Assert.Equal("data:image/jpeg;base64," + Convert.ToBase64String(preview.Jpeg), preview.DataUrl);
    }
}
