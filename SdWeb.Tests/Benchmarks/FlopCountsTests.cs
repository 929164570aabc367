using SdWeb.Engine.Benchmarks;
using SdWeb.Engine.Models;
using Xunit;

namespace SdWeb.Tests.Benchmarks;

/// <summary>The analytic FLOP counts against the work per part issue 6 states for SD 1.5 at 512² (latents 64²).</summary>
[Layer(Layer.Engine)]
public class FlopCountsTests
{
    [Fact]
    public void UNetStepAtBatch2IsAbout1Point61Tflop() =>
        Assert.InRange(FlopCounts.UNet(new UNet2DConditionConfig(), batch: 2, height: 64, width: 64), 1.60e12, 1.62e12);

    [Fact]
    public void VaeDecodeOfOneImageIsAbout2Point52Tflop() =>
        Assert.InRange(FlopCounts.VaeDecode(new AutoencoderKLConfig(), batch: 1, height: 64, width: 64), 2.50e12, 2.53e12);

    [Fact]
    public void WorkScalesWithBatchAndNonSquareSizesCount()
    {
        var unet = new UNet2DConditionConfig();
        Assert.Equal(2 * FlopCounts.UNet(unet, 1, 64, 64), FlopCounts.UNet(unet, 2, 64, 64), 1e-6);
        double wide = FlopCounts.UNet(unet, 1, 64, 96);
        Assert.InRange(wide, FlopCounts.UNet(unet, 1, 64, 64), FlopCounts.UNet(unet, 1, 96, 96));
    }
}
