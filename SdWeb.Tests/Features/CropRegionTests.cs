using SdWeb.Engine.Pipelines.Inpainting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Features;

/// <summary>"Only masked" regions, worked out by hand with A1111's masking.get_crop_region / expand_crop_region.</summary>
[Layer(Layer.Engine)]
public sealed class CropRegionTests
{
    private static Image<L8> MaskWithBox(int width, int height, int x1, int y1, int x2, int y2)
    {
        var mask = new Image<L8>(width, height);
        for (int y = y1; y <= y2; y++)
            for (int x = x1; x <= x2; x++)
                mask[x, y] = new L8(255);
        return mask;
    }

    [Fact]
    public void TheBoxIsPaddedThenWidenedEvenlyToTheGenerationAspect()
    {
        using var mask = MaskWithBox(96, 64, 40, 20, 49, 29);
        var region = CropRegion.AroundMask(mask, 4)!;
        Assert.Equal(new CropRegion(36, 16, 54, 34), region); // 18 x 18
        // 128x64 wants width 2·18 = 36: 18 more, 9 each side.
        Assert.Equal(new CropRegion(27, 16, 63, 34), region.ExpandedTo(128, 64, 96, 64));
    }

    [Fact]
    public void AtTheEdgeTheRegionIsClampedAndShiftedBackInside()
    {
        using var mask = MaskWithBox(96, 64, 90, 0, 95, 5);
        var region = CropRegion.AroundMask(mask, 8)!;
        Assert.Equal(new CropRegion(82, 0, 96, 14), region);
        // Width 28 wanted: 75..103 passes the right edge by 7, so 68..96.
        Assert.Equal(new CropRegion(68, 0, 96, 14), region.ExpandedTo(128, 64, 96, 64));
        // Height 28 wanted: −7..21 starts above the top, so 0..28.
        Assert.Equal(new CropRegion(82, 0, 96, 28), region.ExpandedTo(64, 128, 96, 64));
    }

    [Fact]
    public void AnEmptyMaskHasNoRegion()
    {
        using var mask = new Image<L8>(8, 8);
        Assert.Null(CropRegion.AroundMask(mask, 4));
    }
}
