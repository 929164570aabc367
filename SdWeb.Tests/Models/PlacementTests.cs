using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Layers;
using SdWeb.Engine.Models.Unet;
using SdWeb.Engine.Models.Vae;
using SdWeb.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>Models are built directly in the placement's dtype and run there.</summary>
[Layer(Layer.Engine)]
public sealed class PlacementTests(ITestOutputHelper output)
{
    private static readonly ModelPlacement CpuBFloat16 = new(CPU, ScalarType.BFloat16);

    [Fact]
    public void EveryWeightIsCreatedInThePlacementDTypeExceptTheFloat32Norms()
    {
        using var unet = new UNet2DConditionModel(UNet2DConditionConfig.FromJson(Golden.PathOf("tiny-sd", "unet", "config.json")), CpuBFloat16);
        using var vae = new AutoencoderKL(AutoencoderKLConfig.FromJson(Golden.PathOf("tiny-sd", "vae", "config.json")), CpuBFloat16);
        var modules = unet.named_modules().Concat(vae.named_modules()).ToList();
        var parameters = unet.named_parameters().Concat(vae.named_parameters()).ToList();
        var normParameters = modules.Where(m => m.module is Float32GroupNorm or Float32LayerNorm)
            .SelectMany(m => new[] { $"{m.name}.weight", $"{m.name}.bias" }).ToHashSet();

        var others = parameters.Where(p => !normParameters.Contains(p.name) && p.parameter.dtype != ScalarType.BFloat16).Select(p => p.name);
        var narrowNorms = parameters.Where(p => normParameters.Contains(p.name) && p.parameter.dtype != ScalarType.Float32).Select(p => p.name);

        Assert.Empty(others);
        Assert.Empty(narrowNorms);
        Assert.Contains("conv_norm_out.weight", normParameters);
    }

    [Fact]
    public void BFloat16UNetStaysCloseToTheFloat32Reference()
    {
        var config = UNet2DConditionConfig.FromJson(Golden.PathOf("tiny-sd", "unet", "config.json"));
        using var unet = new UNet2DConditionModel(config, CpuBFloat16);
        using (var weights = new SafeTensorsWeightSource(Golden.PathOf("tiny-sd", "unet", "diffusion_pytorch_model.safetensors")))
            ModuleWeightLoader.Load(unet, weights);
        using var golden = Golden.OpenCase("cases", "unet.safetensors");
        using var sample = golden.Read("sample", ScalarType.BFloat16);
        using var context = golden.Read("encoder_hidden_states", ScalarType.BFloat16);
        using var timestep = tensor(500f);
        using var expected = golden.Read("out_t500");

        using var actual = unet.forward(sample, timestep, context);

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        // bf16 keeps 8 bits of mantissa: a few percent of the output's range is what reduced precision costs.
        using var range = expected.abs().max();
        var max = TensorAssert.Close(expected, actual, 0.05 * range.item<float>(), "bf16 out_t500");
        output.WriteLine($"bf16 out_t500: max abs diff {max:E3} (output range {range.item<float>():F3})");
    }
}
