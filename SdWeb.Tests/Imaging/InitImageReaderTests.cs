using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines.Validation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Imaging;

[Layer(Layer.Engine)]
public sealed class InitImageReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sdweb-init").FullName;

    [Fact]
    public void ReadsAnImage()
    {
        var path = Path.Combine(_dir, "ok.png");
        using (var image = new Image<Rgb24>(16, 8)) image.SaveAsPng(path);
        using var read = InitImageReader.Read(path, GenerationLimits.Default);
        Assert.Equal((16, 8), (read.Width, read.Height));
    }

    [Fact]
    public void MissingFile()
    {
        var path = Path.Combine(_dir, "nope.png");
        var e = Assert.Throws<ArgumentException>(() => InitImageReader.Read(path, GenerationLimits.Default));
        Assert.Equal($"Init image '{path}' does not exist; give the path of a PNG, JPEG, WebP, BMP or GIF file.", e.Message);
    }

    [Fact]
    public void NotAnImage()
    {
        var path = Path.Combine(_dir, "text.png");
        File.WriteAllText(path, "hello");
        var e = Assert.Throws<ArgumentException>(() => InitImageReader.Read(path, GenerationLimits.Default));
        Assert.StartsWith($"Init image '{path}' ", e.Message);
        Assert.Contains("use", e.Message);
    }

    [Fact]
    public void TooLargeIsRejectedFromTheHeader()
    {
        var path = Path.Combine(_dir, "big.png");
        using (var image = new Image<Rgb24>(300, 200)) image.SaveAsPng(path);
        var e = Assert.Throws<ArgumentException>(() => InitImageReader.Read(path, new GenerationLimits { MaxInitImagePixels = 50_000 }));
        Assert.Equal($"Init image '{path}' is 300x200 (60000 pixels), more than the limit of 50000; scale it down first.", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
