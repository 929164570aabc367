using SdWeb.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace SdWeb.Tests.Imaging;

[Layer(Layer.Engine)]
public class TensorImagesTests
{
    [Fact]
    public void ModelInputIsChannelsFirstInMinusOneToOne()
    {
        using var image = new Image<Rgb24>(2, 1);
        image[0, 0] = new Rgb24(0, 255, 51);
        image[1, 0] = new Rgb24(102, 204, 153);
        using var x = TensorImages.ToModelInput(image, 2, 1, torch.CPU, torch.ScalarType.Float32);

        Assert.Equal([1L, 3, 1, 2], x.shape);
        float[] expected = [0, 102, 255, 204, 51, 153]; // R row, G row, B row
        var actual = x.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i] / 255f * 2f - 1f, actual[i]);
    }

    [Fact]
    public void ModelInputIsResizedToTheRequestedSize()
    {
        using var image = new Image<Rgb24>(40, 24, new Rgb24(255, 0, 0));
        using var x = TensorImages.ToModelInput(image, 16, 8, torch.CPU, torch.ScalarType.Float32);
        Assert.Equal([1L, 3, 8, 16], x.shape);
        using var red = x[0, 0].mean();
        Assert.Equal(1f, red.item<float>(), 3);
    }

    [Fact]
    public void PostprocessAndBytesFollowDiffusers()
    {
        // (x / 2 + 0.5).clamp(0, 1), then (v * 255).round(): -1 → 0, 0 → 127.5 → 128 (half to even), 1 → 255, 3 → clamped.
        using var decoded = torch.tensor(new[] { -1f, 0f, 1f, 3f, -0.2f, 0.6f }, [1, 3, 1, 2]);
        using var images = TensorImages.Postprocess(decoded);
        Assert.Equal([1L, 1, 2, 3], images.shape);
        using var first = images[0];
        var bytes = TensorImages.ToRgbBytes(first);
        Assert.Equal(new byte[] { 0, 255, 102, 128, 255, 204 }, bytes);
    }
}
