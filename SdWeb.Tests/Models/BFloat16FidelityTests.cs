using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Unet;
using SdWeb.Engine.Models.Vae;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>
/// bf16 against fp32 on the same weights and inputs, on tiny-sd and on random models with SD 1.5's real channel widths at a
/// small spatial size: relative L2 error of the output ≤ 1e-2 for bf16 weights with fp32 compute (issue 6), ≤ 2.5e-2 for
/// bf16 compute — diffusers' own bf16 UNet drifts 2.4e-2 from its fp32 one (issue 13).
/// </summary>
[Layer(Layer.Engine)]
public sealed class BFloat16FidelityTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, (ModelPlacement Placement, double MaxRelativeError)> Modes = new()
    {
        ["bf16"] = (new ModelPlacement(CPU, ScalarType.BFloat16), 1e-2),
        ["bf16-compute"] = (ModelPlacement.CpuBFloat16Compute, 2.5e-2),
    };

    /// <summary>SD 1.5's first two UNet levels (320 and 640 channels, 8 heads, 768-wide text states) and its mid-block.</summary>
    internal static readonly UNet2DConditionConfig Sd15ShapedUNetConfig = new()
    {
        BlockOutChannels = [320, 640],
        DownBlockTypes = ["CrossAttnDownBlock2D", "DownBlock2D"],
        UpBlockTypes = ["UpBlock2D", "CrossAttnUpBlock2D"],
        LayersPerBlock = 1,
    };

    [Theory]
    [InlineData("bf16")]
    [InlineData("bf16-compute")]
    public void TinySdUNet(string mode)
    {
        var config = UNet2DConditionConfig.FromJson(Golden.PathOf("tiny-sd", "unet", "config.json"));
        using var weights = new SafeTensorsWeightSource(Golden.PathOf("tiny-sd", "unet", "diffusion_pytorch_model.safetensors"));
        using var golden = Golden.OpenCase("cases", "unet.safetensors");
        using var sample = golden.Read("sample");
        using var context = golden.Read("encoder_hidden_states");
        foreach (var t in new[] { 999f, 500f, 1f })
        {
            using var timestep = tensor(t);
            var error = CompareUNet(mode, p => LoadUNet(config, weights, p), sample, timestep, context);
            AssertFaithful(mode, error, $"tiny-sd UNet t={t}");
        }
    }

    [Theory]
    [InlineData("bf16")]
    [InlineData("bf16-compute")]
    public void Sd15ShapedUNet(string mode)
    {
        using var random = new SeededRandom(6);
        using var sample = random.Randn(2, 4, 16, 16);
        using var context = random.Randn(2, 77, 768);
        using var timestep = tensor(500f);
        var error = CompareUNet(mode, p => random.Initialise(new UNet2DConditionModel(Sd15ShapedUNetConfig, p)), sample, timestep, context);
        AssertFaithful(mode, error, "SD 1.5-shaped UNet, 16x16 latents");
    }

    [Theory]
    [InlineData("bf16")]
    [InlineData("bf16-compute")]
    public void TinySdVaeDecode(string mode)
    {
        var config = AutoencoderKLConfig.FromJson(Golden.PathOf("tiny-sd", "vae", "config.json"));
        using var weights = new SafeTensorsWeightSource(Golden.PathOf("tiny-sd", "vae", "diffusion_pytorch_model.safetensors"));
        using var golden = Golden.OpenCase("cases", "vae.safetensors");
        using var latents = golden.Read("decode_latents");
        AssertFaithful(mode, CompareDecode(mode, p => LoadVae(config, weights, p), latents), "tiny-sd VAE decode");
    }

    [Theory]
    [InlineData("bf16")]
    [InlineData("bf16-compute")]
    public void Sd15VaeDecode(string mode)
    {
        using var random = new SeededRandom(7);
        // Latents as the pipeline hands them to the VAE: unit-variance latents divided by the scaling factor 0.18215.
        using var latents = random.Randn(1, 4, 8, 8) * 5.5;
        AssertFaithful(mode, CompareDecode(mode, p => random.Initialise(new AutoencoderKL(new AutoencoderKLConfig(), p)), latents),
            "SD 1.5 VAE decode, 8x8 latents");
    }

    /// <summary>
    /// What the bf16 mode's error is made of. It promises float32 arithmetic on bf16-stored weights, so its decode must be
    /// the float32 decode with the weights and latents rounded to bf16 and the image rounded once at the end, up to float32
    /// kernel noise and the bf16 ulps that noise flips. The 1e-2 bound above is then the rounding of the stored weights
    /// alone, which depends on the weights drawn: 0.68–1.04e-2 across twelve random SD 1.5 VAEs.
    /// </summary>
    [Fact]
    public void Sd15VaeDecodeInBf16ModeIsTheFloat32DecodeOfRoundedWeights()
    {
        using var random = new SeededRandom(9);
        using var latents = random.Randn(1, 4, 8, 8) * 5.5;
        using var rounded = random.Initialise(new AutoencoderKL(new AutoencoderKLConfig(), ModelPlacement.CpuFloat32));
        using var bf16 = new AutoencoderKL(new AutoencoderKLConfig(), Modes["bf16"].Placement);
        CopyWeights(rounded, bf16);
        CopyWeights(bf16, rounded);
        using var latentsBf16 = latents.to(ScalarType.BFloat16);

        using var expected = rounded.Decode(latentsBf16.to(ScalarType.Float32)).to(ScalarType.BFloat16);
        using var actual = bf16.Decode(latentsBf16);

        var error = TensorAssert.RelativeL2(expected, actual);
        output.WriteLine($"bf16 mode against the float32 decode of its rounded weights: relative L2 {error:E3}");
        Assert.True(error <= 1e-3, $"the bf16 mode's decode is {error:E3} from float32 arithmetic on its own weights");
    }

    /// <summary>
    /// A 512² decode (tiny-sd, the latents of a whole generation) as each bf16 mode runs it, in row bands from the 128²
    /// maps on: against the same weights' fp32 decode within the mode's bound, and no further from it than the mode's
    /// whole-map decode. They differ by bf16 roundings, not by what is computed: the bands' GroupNorm statistics, merged in
    /// float64, round closer to the exact norm than libtorch's whole-map bf16 kernel (<see cref="Layers.RowBandsTests"/>).
    /// </summary>
    [Theory]
    [InlineData("bf16")]
    [InlineData("bf16-compute")]
    public void TinySd512DecodeInRowBands(string mode)
    {
        var config = AutoencoderKLConfig.FromJson(Golden.PathOf("tiny-sd", "vae", "config.json"));
        using var weights = new SafeTensorsWeightSource(Golden.PathOf("tiny-sd", "vae", "diffusion_pytorch_model.safetensors"));
        using var golden = Golden.OpenCase("pipelines", "g_euler_512.safetensors");
        using var latents = golden.Read("latents_final");
        using var scaled = latents / config.ScalingFactor;
        using var fp32 = LoadVae(config, weights, ModelPlacement.CpuFloat32);
        using var bf16 = LoadVae(config, weights, Modes[mode].Placement);
        Assert.Equal(DecoderBands.MemoryMode, bf16.DecoderBands);
        using var scaledBf16 = scaled.to(ScalarType.BFloat16);

        using var expected = fp32.Decode(scaled);
        using var banded = bf16.Decode(scaledBf16);
        bf16.DecoderBands = null;
        using var whole = bf16.Decode(scaledBf16);

        var (bandedError, wholeError) = (TensorAssert.RelativeL2(expected, banded), TensorAssert.RelativeL2(expected, whole));
        output.WriteLine($"{mode}: whole maps relative L2 error {wholeError:E3}");
        AssertFaithful(mode, bandedError, "tiny-sd 512² VAE decode in row bands");
        Assert.True(bandedError <= wholeError * 1.05, $"{mode}: row bands {bandedError:E3} from fp32, whole maps {wholeError:E3}");
    }

    /// <summary>Builds the model in fp32, copies its weights into a bf16 build, runs both on the same inputs.</summary>
    private static double CompareUNet(string mode, Func<ModelPlacement, UNet2DConditionModel> build, Tensor sample, Tensor timestep, Tensor context)
    {
        using var fp32 = build(ModelPlacement.CpuFloat32);
        using var bf16 = build(Modes[mode].Placement);
        CopyWeights(fp32, bf16);
        using var expected = fp32.forward(sample, timestep, context);
        using var sampleBf16 = sample.to(ScalarType.BFloat16);
        using var contextBf16 = context.to(ScalarType.BFloat16);
        using var actual = bf16.forward(sampleBf16, timestep, contextBf16);
        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        return TensorAssert.RelativeL2(expected, actual);
    }

    private static double CompareDecode(string mode, Func<ModelPlacement, AutoencoderKL> build, Tensor latents)
    {
        using var fp32 = build(ModelPlacement.CpuFloat32);
        using var bf16 = build(Modes[mode].Placement);
        CopyWeights(fp32, bf16);
        using var expected = fp32.Decode(latents);
        using var latentsBf16 = latents.to(ScalarType.BFloat16);
        using var actual = bf16.Decode(latentsBf16);
        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        return TensorAssert.RelativeL2(expected, actual);
    }

    private static UNet2DConditionModel LoadUNet(UNet2DConditionConfig config, IWeightSource weights, ModelPlacement placement)
    {
        var unet = new UNet2DConditionModel(config, placement);
        ModuleWeightLoader.Load(unet, weights);
        return unet;
    }

    private static AutoencoderKL LoadVae(AutoencoderKLConfig config, IWeightSource weights, ModelPlacement placement)
    {
        var vae = new AutoencoderKL(config, placement);
        ModuleWeightLoader.Load(vae, weights);
        return vae;
    }

    private static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        var source = from.state_dict();
        foreach (var (name, target) in to.state_dict()) target.copy_(source[name]);
    }

    private void AssertFaithful(string mode, double error, string what)
    {
        var bound = Modes[mode].MaxRelativeError;
        output.WriteLine($"{what}, {mode}: relative L2 error {error:E3}");
        Assert.True(error <= bound, $"{what}: {mode} relative L2 error {error:E3} exceeds {bound:E1}");
    }
}
