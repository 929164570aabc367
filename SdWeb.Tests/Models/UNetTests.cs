using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Models;
using SdWeb.Engine.Models.Layers;
using SdWeb.Engine.Models.Unet;
using SdWeb.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SdWeb.Tests.Models;

/// <summary>The tiny SD UNet against diffusers 0.24's outputs (cases/unet.safetensors).</summary>
[Layer(Layer.Engine)]
public sealed class UNetTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    /// <summary>Timestep keys in the case file, in the order of its "timesteps" tensor.</summary>
    public static TheoryData<int, string> Timesteps => new() { { 0, "999" }, { 1, "500" }, { 2, "984_5217" }, { 3, "1" } };

    internal static UNet2DConditionModel LoadTinyUNet()
    {
        var config = UNet2DConditionConfig.FromJson(Golden.PathOf("tiny-sd", "unet", "config.json"));
        var unet = new UNet2DConditionModel(config, ModelPlacement.CpuFloat32);
        using var weights = new SafeTensorsWeightSource(Golden.PathOf("tiny-sd", "unet", "diffusion_pytorch_model.safetensors"));
        ModuleWeightLoader.Load(unet, weights);
        return unet;
    }

    [Theory]
    [MemberData(nameof(Timesteps))]
    public void NoisePredictionMatchesDiffusers(int index, string key)
    {
        using var unet = LoadTinyUNet();
        using var golden = Golden.OpenCase("cases", "unet.safetensors");
        using var sample = golden.Read("sample");
        using var context = golden.Read("encoder_hidden_states");
        using var timesteps = golden.Read("timesteps");
        using var timestep = timesteps[index];
        using var expected = golden.Read($"out_t{key}");

        using var actual = unet.forward(sample, timestep, context);

        var max = TensorAssert.Close(expected, actual, Tolerance, $"out_t{key}");
        output.WriteLine($"out_t{key} (t={timestep.item<float>()}): max abs diff {max:E3}");
    }

    /// <summary>Per-sample float timesteps (as a batch of different timesteps would pass) and integer timesteps (DPM, UniPC).</summary>
    [Theory]
    [InlineData("per-sample")]
    [InlineData("int64")]
    public void OtherTimestepFormsGiveTheSameResult(string form)
    {
        using var unet = LoadTinyUNet();
        using var golden = Golden.OpenCase("cases", "unet.safetensors");
        using var sample = golden.Read("sample");
        using var context = golden.Read("encoder_hidden_states");
        using var timesteps = form == "int64" ? tensor(500L) : tensor(new[] { 500f, 500f });
        using var expected = golden.Read("out_t500");

        using var actual = unet.forward(sample, timesteps, context);

        output.WriteLine($"out_t500 with {form} timesteps: max abs diff {TensorAssert.Close(expected, actual, Tolerance, "out_t500"):E3}");
    }

    [Fact]
    public void NonSquareLatentInterpolatesToTheSkipSizes()
    {
        using var unet = LoadTinyUNet();
        using var golden = Golden.OpenCase("cases", "unet.safetensors");
        using var sample = golden.Read("sample_nonsquare");
        using var context = golden.Read("encoder_hidden_states_nonsquare");
        using var timestep = tensor(500f);
        using var expected = golden.Read("out_nonsquare_t500");

        using var actual = unet.forward(sample, timestep, context);

        output.WriteLine($"out_nonsquare_t500: max abs diff {TensorAssert.Close(expected, actual, Tolerance, "out_nonsquare_t500"):E3}");
    }

    [Theory]
    [MemberData(nameof(Timesteps))]
    public void TimeProjectionAndEmbeddingMatchDiffusers(int index, string key)
    {
        var config = UNet2DConditionConfig.FromJson(Golden.PathOf("tiny-sd", "unet", "config.json"));
        var width = config.BlockOutChannels[0];
        using var timeProj = new Timesteps(width, config.FlipSinToCos, config.FreqShift);
        using var timeEmbedding = new TimestepEmbedding(width, width * 4, config.ActFn, ModelPlacement.CpuFloat32);
        using (var file = SdWeb.Engine.Loading.SafeTensors.SafeTensorsFile.Open(Golden.PathOf("tiny-sd", "unet", "diffusion_pytorch_model.safetensors")))
        using (var weights = new SafeTensorsWeightSource(file, "time_embedding.", ownsFile: false))
            ModuleWeightLoader.Load(timeEmbedding, weights);
        using var golden = Golden.OpenCase("cases", "unet.safetensors");
        using var timesteps = golden.Read("timesteps");
        using var batch = timesteps[index].expand(2);
        using var expectedProj = golden.Read($"time_proj_t{key}");
        using var expectedEmb = golden.Read($"time_embedding_t{key}");
        using var _ = no_grad();

        using var proj = timeProj.forward(batch);
        using var emb = timeEmbedding.forward(proj);

        var maxProj = TensorAssert.Close(expectedProj, proj, Tolerance, $"time_proj_t{key}");
        var maxEmb = TensorAssert.Close(expectedEmb, emb, Tolerance, $"time_embedding_t{key}");
        output.WriteLine($"t{key}: time_proj {maxProj:E3}, time_embedding {maxEmb:E3}");
    }
}
