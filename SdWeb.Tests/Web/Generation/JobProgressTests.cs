using SdWeb.Generation;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class JobProgressTests
{
    [Theory]
    [InlineData(1, 1, 0, 20, 0.0)]
    [InlineData(1, 1, 20, 20, 1.0)]
    [InlineData(2, 4, 5, 10, 0.375)] // one image of four done plus half of the second
    [InlineData(1, 1, 0, 0, 0.0)]
    public void FractionCoversAllImagesOfTheJob(int image, int imageCount, int step, int totalSteps, double expected) =>
        Assert.Equal(expected, new JobProgress(image, imageCount, step, totalSteps, TimeSpan.Zero, null).Fraction, 12);
}
