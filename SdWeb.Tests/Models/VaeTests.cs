using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Vae;
using SdWeb.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>The tiny SD VAE against diffusers 0.24's outputs (cases/vae.safetensors).</summary>
[Layer(Layer.Engine)]
public sealed class VaeTests(ITestOutputHelper output)
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

    /// <summary>Whole maps, and row bands (the bf16-weights decode's): 3 bands of unequal height, 16 of one row.</summary>
    [Theory]
    [InlineData("decode_latents", "decode_sample", 0)]
    [InlineData("decode_latents_nonsquare", "decode_sample_nonsquare", 0)]
    [InlineData("decode_latents", "decode_sample", 3)]
    [InlineData("decode_latents_nonsquare", "decode_sample_nonsquare", 16)]
    public void DecodeMatchesDiffusers(string latentsKey, string expectedKey, int bands)
    {
        using var vae = LoadTinyVae();
        if (bands > 0) vae.DecoderBands = new DecoderBands(bands, FromHeight: 0);
        using var golden = Golden.OpenCase("cases", "vae.safetensors");
        using var latents = golden.Read(latentsKey);
        using var expected = golden.Read(expectedKey);

        using var actual = vae.Decode(latents);

        output.WriteLine($"{expectedKey}, {bands} bands: max abs diff {TensorAssert.Close(expected, actual, Tolerance, expectedKey):E3}");
    }

    [Fact]
    public void TheBFloat16ModesDecodeInRowBandsAndFloat32Whole()
    {
        var config = AutoencoderKLConfig.FromJson(Golden.PathOf("tiny-sd", "vae", "config.json"));
        using var bf16Weights = new AutoencoderKL(config, new ModelPlacement(CPU, ScalarType.BFloat16));
        using var bf16Compute = new AutoencoderKL(config, ModelPlacement.CpuBFloat16Compute);
        using var fp32 = new AutoencoderKL(config, ModelPlacement.CpuFloat32);

        Assert.Equal(DecoderBands.MemoryMode, bf16Weights.DecoderBands);
        Assert.Equal(DecoderBands.MemoryMode, bf16Compute.DecoderBands);
        Assert.Null(fp32.DecoderBands);
    }

    [Fact]
    public void AnUpBlockHandedItsInputFreesItAndComputesTheSame()
    {
        using var block = new UpDecoderBlock2D(64, 32, numLayers: 3, resnetEps: 1e-6, resnetActFn: "silu", resnetGroups: 32, addUpsample: true,
            ModelPlacement.CpuFloat32);
        using var generator = new Generator(5);
        using var input = randn(1, 64, 8, 8, generator: generator);
        using var kept = block.forward(input);
        Assert.False(input.IsInvalid);

        var handedOver = input.clone();
        using var consumed = block.ForwardConsuming(handedOver);

        Assert.True(handedOver.IsInvalid);
        Assert.Equal(new long[] { 1, 32, 16, 16 }, consumed.shape);
        Assert.True(kept.allclose(consumed, rtol: 0, atol: 0)); // bit for bit
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

    [Fact]
    public void DecodesPipelineLatentsLikeTheStableDiffusionPipeline()
    {
        using var vae = LoadTinyVae();
        using var golden = Golden.OpenCase("pipelines", "a_lms_astronaut.safetensors");
        using var latents = golden.Read("latents_final");
        using var scaled = latents / vae.Config.ScalingFactor;
        using var expected = golden.Read("decoded_raw");

        using var actual = vae.Decode(scaled);

        output.WriteLine($"a_lms_astronaut decoded_raw: max abs diff {TensorAssert.Close(expected, actual, Tolerance, "decoded_raw"):E3}");
    }

    /// <summary>
    /// 64×64 latents: the mid-block attention runs over 4096 tokens. In bands as the bf16-weights decode runs them too:
    /// the 64² blocks whole, then 16 bands from the 128² maps on.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decodes512PixelImages(bool inRowBands)
    {
        using var vae = LoadTinyVae();
        if (inRowBands) vae.DecoderBands = DecoderBands.MemoryMode;
        using var golden = Golden.OpenCase("pipelines", "g_euler_512.safetensors");
        using var latents = golden.Read("latents_final");
        using var scaled = latents / vae.Config.ScalingFactor;
        using var expected = golden.Read("images");

        using var decoded = vae.Decode(scaled);
        using var images = (decoded / 2 + 0.5).clamp(0, 1).permute(0, 2, 3, 1);

        output.WriteLine($"g_euler_512, row bands {inRowBands}: max abs diff {TensorAssert.Close(expected, images, Tolerance, "images"):E3}");
    }

    [Fact]
    public void SampleDrawsTheNoiseFromTheCpuGenerator()
    {
        using var vae = LoadTinyVae();
        using var golden = Golden.OpenCase("cases", "vae.safetensors");
        using var image = golden.Read("encode_image");
        using var dist = vae.Encode(image);
        using var generator = new Generator(5);
        using var referenceGenerator = new Generator(5);

        using var first = dist.Sample(generator);
        using var second = dist.Sample(generator);

        // diffusers: mean + std * randn(shape, generator) with the generator's draws consumed in order.
        using var firstNoise = randn(dist.Mean.shape, generator: referenceGenerator);
        using var secondNoise = randn(dist.Mean.shape, generator: referenceGenerator);
        using var expectedFirst = dist.Mean + dist.Std * firstNoise;
        using var expectedSecond = dist.Mean + dist.Std * secondNoise;
        TensorAssert.Close(expectedFirst, first, 0, "first sample");
        TensorAssert.Close(expectedSecond, second, 0, "second sample");
        using var mode = dist.Mode();
        TensorAssert.Close(dist.Mean, mode, 0, "mode");
    }
}
