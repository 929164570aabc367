using SdWeb.Engine.Kernels;
using SdWeb.Engine.Models.Layers;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models.Layers;

/// <summary>
/// Winograd F(4×4, 3×3) against the same convolution computed by libtorch in float64: its float32 error stays within a
/// small multiple of libtorch's own float32 direct convolution's, for zero and circular padding, both memory layouts,
/// maps whose sides are not multiples of the 4×4 tile, and the row bands of the VAE decoder; and it runs only where it
/// may (inference, float32, wide layers).
/// </summary>
[Layer(Layer.Engine)]
public sealed class WinogradConvTests(ITestOutputHelper output)
{
    /// <summary>
    /// F(4×4, 3×3)'s transforms add rounding of their own (its points 0, ±1, ±2 scale tile values by up to 8 and 1/24):
    /// about 4× the direct convolution's error at these widths, where libtorch's float32 one is 1–2e-5 of the output's
    /// spread at its worst element. A bug (a wrong tap, a tile edge) shows as errors of the output's own size.
    /// </summary>
    private const double MaxErrorOverDirect = 8;

    [Fact]
    public void TheKernelsAreBuiltAndLoadHere()
    {
        Assert.True(WinogradF43.IsAvailable, WinogradF43.WhyUnavailable);
    }

    [Theory]
    [InlineData(false, PaddingModes.Zeros, 48, 48)]
    [InlineData(true, PaddingModes.Zeros, 48, 48)]
    [InlineData(true, PaddingModes.Zeros, 45, 50)] // sides not multiples of 4: partial edge tiles
    [InlineData(true, PaddingModes.Circular, 33, 66)]
    [InlineData(false, PaddingModes.Circular, 61, 35)]
    public void MatchesTheFloat64ConvolutionAsCloselyAsLibtorchsFloat32(bool channelsLast, PaddingModes padding, int height, int width)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new SeededRandom(5);
        using var conv = random.Initialise(nn.Conv2d(256, 272, 3, padding: 1));
        conv.padding_mode = padding;
        var input = random.Randn(2, 256, height, width);
        if (channelsLast) input = input.ToChannelsLast();
        Assert.True(WinogradConv.Applies(conv, input));
        var direct = conv.forward(input);
        var exact = Float64(conv, input);

        var actual = WinogradConv.Forward(conv, input);

        Assert.Equal(exact.shape, actual.shape);
        Assert.Equal(channelsLast, actual.IsChannelsLast());
        AssertCloseAsDirect(actual, direct, exact);
    }

    [Fact]
    public void TheLayerPathRunsItWhereItAppliesAndIsAllowed()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new SeededRandom(6);
        using var conv = random.Initialise(nn.Conv2d(256, 256, 3, padding: 1));
        var input = random.Randn(1, 256, 64, 64).ToChannelsLast();

        var viaLayer = conv.RunInInputDType(input, winograd: true);
        var notAllowed = conv.RunInInputDType(input, winograd: false);

        // Same numbers as Winograd's, bit for bit; libtorch's direct convolution rounds differently.
        Assert.Equal(0, (viaLayer - WinogradConv.Forward(conv, input)).abs().max().item<float>());
        Assert.NotEqual(0, (viaLayer - conv.forward(input)).abs().max().item<float>());
        Assert.Equal(0, (notAllowed - conv.forward(input)).abs().max().item<float>());
    }

    [Fact]
    public void ARowBandWithItsNeighbourRowsConvolvesAsTheWholeMap()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new SeededRandom(7);
        using var conv = random.Initialise(nn.Conv2d(256, 256, 3, padding: 1));
        var map = random.Randn(1, 256, 40, 64).ToChannelsLast();
        var exact = Float64(conv, map);
        var direct = conv.forward(map);
        using var kernel = WinogradConv.Kernel(conv.weight!);

        // Rows 9..22 of the output from input rows 8..23, padded horizontally only, as BandedNormActConv runs a band.
        var band = WinogradConv.Forward(kernel, conv.bias, map.narrow(2, 8, 16), padRows: 0, padColumns: 1);

        Assert.Equal([1, 256, 14, 64], band.shape);
        AssertCloseAsDirect(band, direct.narrow(2, 9, 14), exact.narrow(2, 9, 14));
    }

    [Fact]
    public void BfloatWeightsConvolveAsTheirFloat32Values()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new SeededRandom(8);
        using var conv = random.Initialise(nn.Conv2d(256, 256, 3, padding: 1, dtype: ScalarType.BFloat16));
        var input = random.Randn(1, 256, 64, 64).ToChannelsLast();
        using var wide = nn.Conv2d(256, 256, 3, padding: 1);
        wide.weight!.copy_(conv.weight!);
        wide.bias!.copy_(conv.bias!);

        var before = KernelUse.Now();
        var actual = conv.RunInInputDType(input, winograd: true);

        Assert.Equal(new KernelChoice(Winograd: true, Bf16Attention: false), KernelUse.Since(before));
        Assert.Equal(ScalarType.Float32, actual.dtype);
        AssertCloseAsDirect(actual, wide.forward(input), Float64(wide, input));
    }

    /// <summary>
    /// The transform of bf16 weights leaves nothing but its result in the caller's dispose scope: a widened copy left there
    /// lived until the decode's end, one per layer, and took a bf16 decode's peak RSS from 1.28× to 1.32× the weights.
    /// </summary>
    [Fact]
    public void TransformingAKernelLeavesOnlyItsResultInTheCallersScope()
    {
        using var noGrad = no_grad();
        using var weight = randn(256, 256, 3, 3).to(ScalarType.BFloat16);
        using var scope = NewDisposeScope();

        using var kernel = WinogradConv.Kernel(weight);

        Assert.Equal(1, scope.DisposablesCount);
    }

    [Fact]
    public void ItRunsOnlyForInferenceInFloat32OnWideLayersOfLargeMaps()
    {
        using var scope = NewDisposeScope();
        using var wideLayer = nn.Conv2d(256, 256, 3, padding: 1);
        var map = randn(1, 256, 64, 64);
        using (no_grad())
        {
            Assert.True(WinogradConv.Applies(wideLayer, map));
            Assert.False(WinogradConv.Applies(wideLayer, map.to(ScalarType.BFloat16)), "bf16 compute keeps libtorch's kernels");
            Assert.False(WinogradConv.Applies(wideLayer, map.narrow(2, 0, 32)), "2048 pixels are too few to pay for the kernel's transform");
            using var narrowLayer = nn.Conv2d(128, 128, 3, padding: 1);
            Assert.False(WinogradConv.Applies(narrowLayer, randn(1, 128, 64, 64)), "128 channels are too few to pay");
            using var strided = nn.Conv2d(256, 256, 3, stride: 2, padding: 1);
            Assert.False(WinogradConv.Applies(strided, map));
            using var widest = nn.Conv2d(1280, 1280, 3, padding: 1);
            Assert.False(WinogradConv.Applies(widest, randn(2, 1280, 32, 32)), "a 1280² kernel transformed would be 236 MiB");
        }
        Assert.False(WinogradConv.Applies(wideLayer, map), "training needs libtorch's backward");
    }

    private static Tensor Float64(nn.Module<Tensor, Tensor> conv, Tensor input)
    {
        conv.to(ScalarType.Float64);
        try
        {
            return conv.forward(input.to(ScalarType.Float64));
        }
        finally
        {
            conv.to(ScalarType.Float32);
        }
    }

    private void AssertCloseAsDirect(Tensor actual, Tensor direct, Tensor exact)
    {
        var spread = exact.std().item<double>();
        var error = (actual.to(ScalarType.Float64) - exact).abs().max().item<double>() / spread;
        var directError = (direct.to(ScalarType.Float64) - exact).abs().max().item<double>() / spread;
        output.WriteLine($"max |Δ| / std against float64: Winograd {error:E2}, libtorch's float32 {directError:E2}");
        Assert.True(error <= MaxErrorOverDirect * directError,
            $"Winograd's error {error:E2} is over {MaxErrorOverDirect}× libtorch's float32 error {directError:E2}");
    }
}
