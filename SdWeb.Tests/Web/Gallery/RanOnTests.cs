using SdWeb.Gallery;

namespace SdWeb.Tests.Web.Gallery;

/// <summary>What a reproduction whose pixels differ says about why: the recorded difference, an unknown, or the machine.</summary>
[Layer(Layer.Web)]
public sealed class RanOnTests
{
    private static readonly RanOn Winograd = new("cpu", "fp32", "winograd");

    [Fact]
    public void ADifferenceInDevicePrecisionOrKernelsIsNamed()
    {
        Assert.Equal("the original ran on cpu, fp32, libtorch's kernels, this one on cpu, fp32, Winograd convolutions.",
            RanOn.WhyPixelsDiffer(Winograd, Winograd with { Kernels = "libtorch" }, "original"));
        Assert.Equal("the reproduction ran on cuda:0, fp16, libtorch's kernels, this one on cpu, fp32, Winograd convolutions.",
            RanOn.WhyPixelsDiffer(Winograd, new RanOn("cuda:0", "fp16", "libtorch"), "reproduction"));
        // Unrecorded kernels cannot hide a recorded difference in precision.
        Assert.Equal("the original ran on cpu, bf16, this one on cpu, fp32, Winograd convolutions.",
            RanOn.WhyPixelsDiffer(Winograd, new RanOn("cpu", "bf16", null), "original"));
    }

    [Fact]
    public void UnrecordedKernelsAreSaidToBeUnknownWithTheWayToPreWinogradNumbers()
    {
        var why = RanOn.WhyPixelsDiffer(Winograd, Winograd with { Kernels = null }, "original");

        Assert.StartsWith("one of the two was made before SdWeb recorded its kernels", why, StringComparison.Ordinal);
        Assert.Contains("SdWeb:Convolutions=libtorch", why, StringComparison.Ordinal);
    }

    [Fact]
    public void WithNothingRecordedDifferentTheMachineIsTheCause() =>
        Assert.Equal("both ran on cpu, fp32, Winograd convolutions, so another machine or kind of CPU gave slightly different numbers.",
            RanOn.WhyPixelsDiffer(Winograd, Winograd, "original"));

    [Fact]
    public void ItReadsAsDevicePrecisionAndKernelsWhereRecorded()
    {
        Assert.Equal("cpu, fp32, Winograd convolutions", Winograd.ToString());
        Assert.Equal("cpu, fp32", (Winograd with { Kernels = null }).ToString());
        Assert.Equal("cpu, fp32", (Winograd with { Kernels = "from-a-newer-version" }).ToString());
    }
}
