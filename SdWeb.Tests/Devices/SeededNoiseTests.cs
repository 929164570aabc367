using SdWeb.Engine.Devices;
using SdWeb.Tests.Support;
using static TorchSharp.torch;

namespace SdWeb.Tests.Devices;

/// <summary>A seed gives the same noise in every precision: diffusers' fp32 draw, rounded once.</summary>
[Layer(Layer.Engine)]
public class SeededNoiseTests
{
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    public void DrawsDiffusersFloat32NoiseAndRoundsItToTheDType(ScalarType dtype)
    {
        using var golden = Golden.OpenCase("pipelines", "g_euler_512.safetensors");
        using var expected = golden.Read("initial_noise");
        using var generator = new Generator(100);

        using var noise = SeededNoise.Randn(expected.shape, dtype, CPU, generator);

        Assert.Equal(dtype, noise.dtype);
        using var rounded = expected.to(dtype);
        Assert.True(rounded.allclose(noise, 0, 0), $"{dtype} noise differs from the fp32 draw rounded to {dtype}");
    }
}
