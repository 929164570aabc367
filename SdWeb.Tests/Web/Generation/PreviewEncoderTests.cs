using SdWeb.Engine.Pipelines;
using SdWeb.Generation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class PreviewEncoderTests
{
    private static PreviewImage Solid(int width, int height, byte r, byte g, byte b) =>
        new(width, height, Enumerable.Range(0, width * height).SelectMany(_ => new[] { r, g, b }).ToArray(), false);

    [Fact]
    public void ALargePreviewBecomesAJpegNoLargerThanTheLimitKeepingItsAspectAndColour()
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
    public void ASmallPreviewKeepsItsSize()
    {
        using var decoded = Image.Load<Rgb24>(PreviewEncoder.ToJpeg(Solid(64, 64, 0, 0, 0)));
        Assert.Equal((64, 64), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void APreviewWithTheWrongNumberOfBytesIsRefusedWithTheSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => PreviewEncoder.ToJpeg(new PreviewImage(4, 4, new byte[10], false)));
        Assert.StartsWith("A 4×4 RGB preview needs 48 bytes but has 10.", error.Message);
    }

    [Fact]
    public void TheDataUrlCarriesTheSameJpeg()
    {
        var preview = new EncodedPreview(Solid(8, 8, 1, 2, 3));
        Assert.Equal("data:image/jpeg;base64," + Convert.ToBase64String(preview.Jpeg), preview.DataUrl);
    }
}
