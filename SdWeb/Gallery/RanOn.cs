using SdWeb.Data;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Gallery;

/// <summary>
/// What computed an image, as far as it changes the numbers: the device, the precision and SdWeb's own kernels
/// ("cpu, fp32, Winograd convolutions"). Two images with the same parameters and the same <see cref="RanOn"/> on the same
/// kind of machine are pixel-identical.
/// </summary>
public sealed record RanOn(string Device, string DType, string? Kernels)
{
    public static RanOn Of(ImageRecord image) => new(image.Device, image.DType, image.Kernels);

    public override string ToString() =>
        KernelChoice.Parse(Kernels) is { } kernels ? $"{Device}, {DType}, {kernels.Description}" : $"{Device}, {DType}";

    /// <summary>
    /// Why <paramref name="other"/>'s pixels may differ from those of an image that ran on <paramref name="self"/>: the
    /// first recorded difference, or that none was recorded.
    /// </summary>
    public static string WhyPixelsDiffer(RanOn self, RanOn other, string otherName)
    {
        var kernelsKnown = self.Kernels is not null && other.Kernels is not null;
        if ((self.Device, self.DType) != (other.Device, other.DType) || (kernelsKnown && self.Kernels != other.Kernels))
            return $"the {otherName} ran on {other}, this one on {self}.";
        if (!kernelsKnown)
            return "one of the two was made before SdWeb recorded its kernels, so they may have been others. An image made "
                + "before SdWeb's Winograd convolutions reproduces on a worker started with SdWeb:Convolutions=libtorch.";
        return $"both ran on {self}, so another machine or kind of CPU gave slightly different numbers.";
    }
}
