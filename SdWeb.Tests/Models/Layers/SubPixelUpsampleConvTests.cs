using SdWeb.Engine.Models.Layers;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models.Layers;

/// <summary>
/// The sub-pixel form of nearest ×2 upsampling + 3×3 convolution against libtorch's own interpolate and conv2d: equal to
/// float32 rounding, for zero and circular (tiling) padding, in both memory layouts, keeping the input's layout.
/// </summary>
[Layer(Layer.Engine)]
public sealed class SubPixelUpsampleConvTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false, PaddingModes.Zeros)]
    [InlineData(false, PaddingModes.Circular)]
    [InlineData(true, PaddingModes.Zeros)]
    [InlineData(true, PaddingModes.Circular)]
    public void EqualsUpsamplingThenConvolving(bool channelsLast, PaddingModes padding)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var random = new SeededRandom(2);
        using var conv = random.Initialise(nn.Conv2d(32, 24, 3, padding: 1));
        conv.padding_mode = padding;
        var input = random.Randn(2, 32, 7, 9);
        if (channelsLast) input = input.ToChannelsLast();
        var upsampled = nn.functional.interpolate(input, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        var expected = conv.forward(upsampled);

        var actual = SubPixelUpsampleConv.Apply(conv, input);

        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(channelsLast, actual.IsChannelsLast());
        var error = (actual - expected).abs().max().item<float>();
        output.WriteLine($"max |Δ| {error:E3} (output std {expected.std().item<float>():F3})");
        Assert.True(error < 1e-5, $"sub-pixel convolution differs by {error:E3}");
    }
}
