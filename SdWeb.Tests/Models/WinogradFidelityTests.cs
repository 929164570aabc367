using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Unet;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>
/// Whole models with SD 1.5's channel widths, their wide 3×3 convolutions run as Winograd F(4×4, 3×3) (inference) against
/// the same models with libtorch's direct convolutions (the same call recording gradients, where Winograd does not run):
/// they differ by float32 rounding, well inside the 1e-4 the golden tests hold fp32 results to. Asked for libtorch's
/// convolutions (<c>--convolutions libtorch</c>), a model computes the direct convolutions' numbers bit for bit, as engines
/// before Winograd did.
/// </summary>
[Layer(Layer.Engine)]
public sealed class WinogradFidelityTests(ITestOutputHelper output)
{
    private const double MaxRelativeError = 1e-5;

    [Fact]
    public void Sd15VaeDecode()
    {
        using var vae = VaeTilingTests.RandomSd15Vae(seed: 13);
        using var random = new SeededRandom(13);
        // 32² latents: the 512-channel blocks at 64² and the 256-channel ones at 128² take Winograd.
        using var latents = random.Randn(1, 4, 32, 32) * 5.5;

        using var winograd = vae.Decode(latents);
        using var direct = vae.DecodeRecordingGradients(latents);

        AssertClose(winograd, direct.detach(), "SD 1.5 VAE decode, 32² latents");
    }

    [Fact]
    public void AskedForLibtorchsConvolutionsTheDecodeIsTheDirectOneBitForBit()
    {
        using var vae = VaeTilingTests.RandomSd15Vae(seed: 13, ModelPlacement.CpuFloat32 with { LibtorchConvolutions = true });
        using var random = new SeededRandom(13);
        using var latents = random.Randn(1, 4, 32, 32) * 5.5;

        using var decoded = vae.Decode(latents);
        using var direct = vae.DecodeRecordingGradients(latents);

        Assert.Equal(0, (decoded - direct.detach()).abs().max().item<float>());
    }

    [Fact]
    public void Sd15ShapedUNet()
    {
        using var random = new SeededRandom(14);
        using var unet = random.Initialise(new UNet2DConditionModel(BFloat16FidelityTests.Sd15ShapedUNetConfig, ModelPlacement.CpuFloat32));
        // 64² latents, batch 2 (CFG): the 320-channel convolutions at 64² take Winograd, the 640-channel ones at 32² do not.
        using var sample = random.Randn(2, 4, 64, 64);
        using var context = random.Randn(2, 77, 768);
        using var timestep = tensor(500f);

        using var winograd = unet.forward(sample, timestep, context);
        using var direct = unet.ForwardRecordingGradients(sample, timestep, context);

        AssertClose(winograd, direct.detach(), "SD 1.5-shaped UNet, 64² latents");
    }

    private void AssertClose(Tensor actual, Tensor expected, string what)
    {
        var error = TensorAssert.RelativeL2(expected, actual);
        output.WriteLine($"{what}: relative L2 {error:E3} between Winograd and libtorch's direct convolutions");
        Assert.True(error > 0, $"{what}: identical outputs, so Winograd did not run");
        Assert.True(error <= MaxRelativeError, $"{what}: Winograd's output is {error:E3} from the direct convolutions' (bound {MaxRelativeError:E0})");
    }
}
