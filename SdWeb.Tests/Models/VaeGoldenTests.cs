using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Vae;
using SdWeb.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>The tiny SD VAE against diffusers 0.24's outputs (cases/vae.safetensors).</summary>
public sealed class VaeGoldenTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    internal static AutoencoderKL LoadTinyVae()
    {
        var config = AutoencoderKLConfig.FromJson(Golden.PathOf("tiny-sd", "vae", "config.json"));
        var vae = new AutoencoderKL(config, ModelPlacement.CpuFloat32);
        using var weights = new SafeTensorsWeightSource(Golden.PathOf("tiny-sd", "vae", "diffusion_pytorch_model.safetensors"));
        ModuleWeightLoader.Load(vae, weights);
        return vae;
    }

    [Theory]
    [InlineData("decode_latents", "decode_sample")]
    [InlineData("decode_latents_nonsquare", "decode_sample_nonsquare")]
    public void DecodeMatchesDiffusers(string latentsKey, string expectedKey)
    {
        using var vae = LoadTinyVae();
        using var golden = Golden.OpenCase("cases", "vae.safetensors");
        using var latents = golden.Read(latentsKey);
        using var expected = golden.Read(expectedKey);

        using var actual = vae.Decode(latents);

        output.WriteLine($"{expectedKey}: max abs diff {TensorAssert.Close(expected, actual, Tolerance, expectedKey):E3}");
    }

    [Fact]
    public void EncodeDistributionMatchesDiffusers()
    {
        using var vae = LoadTinyVae();
        using var golden = Golden.OpenCase("cases", "vae.safetensors");
        using var image = golden.Read("encode_image");
        using var expectedMean = golden.Read("latent_dist_mean");
        using var expectedStd = golden.Read("latent_dist_std");
        using var expectedLogVar = golden.Read("latent_dist_logvar");

        using var dist = vae.Encode(image);

        var mean = TensorAssert.Close(expectedMean, dist.Mean, Tolerance, "latent_dist_mean");
        var std = TensorAssert.Close(expectedStd, dist.Std, Tolerance, "latent_dist_std");
        var logVar = TensorAssert.Close(expectedLogVar, dist.LogVar, Tolerance, "latent_dist_logvar");
        output.WriteLine($"encode: mean {mean:E3}, std {std:E3}, logvar {logVar:E3}");
    }
}
