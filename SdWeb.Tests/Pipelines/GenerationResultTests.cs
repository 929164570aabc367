using SdWeb.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Pipelines;

[Layer(Layer.Engine)]
public class GenerationResultTests
{
    [Fact]
    public void DisposingAResultDisposesEveryImage()
    {
        Image<Rgb24>[] images = [new(8, 8), new(8, 8)];
        var parameters = new GenerationParameters("m", "0123456789", "euler_a", 20, 7.5, 1, 8, 8, 2, null, "fp32", "cpu", "test");
        var result = new GenerationResult(images.Select((image, i) => new GeneratedImage(image, "p", "", i)).ToList(), parameters, TimeSpan.Zero);

        result.Dispose();

        Assert.All(images, image => Assert.Throws<ObjectDisposedException>(() => image.CloneAs<Rgb24>()));
    }
}
