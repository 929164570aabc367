using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Models;
using SdWeb.Tests.Support;
using TorchSharp;

namespace SdWeb.Tests.Loading;

[Layer(Layer.Engine)]
public class SingleFileCheckpointTests
{
    [Fact]
    public void EveryConvertedTensorEqualsTheDiffusersFolders()
    {
        using var single = ModelSource.Open(Golden.TinySdCheckpoint, ModelPlacement.CpuFloat32);
        using var folder = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32);
        Assert.Equal(ModelFormat.SingleFile, single.Format);

        AssertSameTensors(folder.UNet.Weights, single.UNet.Weights);
        AssertSameTensors(folder.Vae.Weights, single.Vae.Weights);
        AssertSameTensors(folder.TextEncoder.Weights, single.TextEncoder.Weights);
    }

    [Fact]
    public void OlderFilesWithoutTextModelInTheClipKeysConvertToo()
    {
        using var dir = new TempDir();
        var path = dir["old.safetensors"];
        using (var source = SafeTensorsFile.Open(Golden.TinySdCheckpoint))
        {
            const string modern = "cond_stage_model.transformer.text_model.";
            var names = source.Tensors.Keys.ToDictionary(k => k.Replace(modern, "cond_stage_model.transformer."), k => k);
            var entries = names.Select(kv => new SafeTensorEntry(kv.Key, source.Tensors[kv.Value].ScalarType, source.Tensors[kv.Value].Shape)).ToList();
            SafeTensorsFile.Write(path, entries, n => source.Read(names[n]), ownsTensors: true);
        }
        using var single = ModelSource.Open(path, ModelPlacement.CpuFloat32);
        using var folder = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32);
        AssertSameTensors(folder.TextEncoder.Weights, single.TextEncoder.Weights);
    }

    [Fact]
    public void InferredConfigsEqualTheDiffusersFolders()
    {
        using var single = ModelSource.Open(Golden.TinySdCheckpoint, ModelPlacement.CpuFloat32);
        using var folder = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32);
        // sample_size only sets the pipeline's default image size; single files get SD v1's 512 px (see LdmConfigFile).
        AssertSameConfig(folder.UNet.Config with { SampleSize = 64 }, single.UNet.Config);
        AssertSameConfig(folder.Vae.Config with { SampleSize = 512 }, single.Vae.Config);
        AssertSameConfig(folder.TextEncoder.Config, single.TextEncoder.Config);
        Assert.Equal(folder.Scheduler.ClassName, single.Scheduler.ClassName);
        Assert.Equal(folder.Scheduler.Config, single.Scheduler.Config);
    }

    [Fact]
    public void WithoutYamlSdV1DefaultsFillWhatShapesCannotTell()
    {
        using var dir = new TempDir();
        var copy = dir["model.safetensors"];
        File.Copy(Golden.TinySdCheckpoint, copy);
        using var single = ModelSource.Open(copy, ModelPlacement.CpuFloat32);
        Assert.Equal([8], single.UNet.Config.AttentionHeadDim);
        Assert.Equal(64, single.UNet.Config.SampleSize);
        Assert.Equal(512, single.Vae.Config.SampleSize);
        Assert.Equal(0.18215, single.Vae.Config.ScalingFactor);
        Assert.Equal(new[] { 32, 64, 64, 64 }, single.UNet.Config.BlockOutChannels);
    }

    [Fact]
    public void YamlHeadWidthGivesPerLevelHeadCounts()
    {
        using var dir = new TempDir();
        var copy = dir["model.safetensors"];
        File.Copy(Golden.TinySdCheckpoint, copy);
        File.WriteAllText(dir["model.yaml"], File.ReadAllText(Golden.PathOf("tiny-sd.yaml"))
            .Replace("num_heads: 8", "num_heads: -1\n        num_head_channels: 16"));
        using var single = ModelSource.Open(copy, ModelPlacement.CpuFloat32);
        Assert.Equal(new[] { 2, 4, 4, 4 }, single.UNet.Config.AttentionHeadDim);
    }

    [Fact]
    public void YamlSetsTheNoiseScheduleAndPredictionType()
    {
        using var dir = new TempDir();
        var copy = dir["model.safetensors"];
        File.Copy(Golden.TinySdCheckpoint, copy);
        File.WriteAllText(dir["model.yaml"], File.ReadAllText(Golden.PathOf("tiny-sd.yaml"))
            .Replace("linear_end: 0.012", "linear_end: 0.02\n    parameterization: v").Replace("scale_factor: 0.18215", "scale_factor: 0.13025"));
        using var single = ModelSource.Open(copy, ModelPlacement.CpuFloat32);
        Assert.Equal(0.02, single.Scheduler.Config.BetaEnd);
        Assert.Equal("v_prediction", single.Scheduler.Config.PredictionType);
        Assert.Equal(0.13025, single.Vae.Config.ScalingFactor);
        Assert.Equal($"built-in SD v1 scheduler config, noise schedule from {dir["model.yaml"]}", single.Scheduler.Description);
    }

    [Theory]
    [InlineData("model: [unclosed", "malformed LDM config yaml:")]
    [InlineData("model:\n  params:\n    scale_factor: big", "model.params.scale_factor should be a number, not 'big'.")]
    public void BadYamlIsNamed(string yaml, string expected)
    {
        using var dir = new TempDir();
        var copy = dir["model.safetensors"];
        File.Copy(Golden.TinySdCheckpoint, copy);
        File.WriteAllText(dir["model.yaml"], yaml);
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(copy, ModelPlacement.CpuFloat32));
        Assert.StartsWith($"{dir["model.yaml"]}: {expected}", e.Message);
    }

    [Theory]
    [InlineData("conditioner.embedders.0.transformer.text_model.final_layer_norm.weight", "this is an SDXL checkpoint; only Stable Diffusion v1 models are supported.")]
    [InlineData("cond_stage_model.model.ln_final.weight", "this is a Stable Diffusion 2.x checkpoint (OpenCLIP text encoder); only Stable Diffusion v1 models are supported.")]
    public void OtherFamiliesAreRefused(string key, string expected)
    {
        using var dir = new TempDir();
        var path = dir["other.safetensors"];
        using (var t = torch.zeros(4))
            SafeTensorsFile.Write(path, [new(key, t)]);
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(path, ModelPlacement.CpuFloat32));
        Assert.Equal($"{path}: {expected}", e.Message);
    }

    [Fact]
    public void TokenizerAndSchedulerAreTheBuiltInSdV1Ones()
    {
        using var single = ModelSource.Open(Golden.TinySdCheckpoint, ModelPlacement.CpuFloat32);
        using (var vocab = single.Tokenizer.OpenVocab())
            Assert.Equal(File.ReadAllBytes(Golden.PathOf("tiny-sd", "tokenizer", "vocab.json")), ReadAll(vocab));
        using (var merges = single.Tokenizer.OpenMerges())
            Assert.Equal(File.ReadAllBytes(Golden.PathOf("tiny-sd", "tokenizer", "merges.txt")), ReadAll(merges));
        Assert.Equal("PNDMScheduler", single.Scheduler.ClassName);
    }

    [Fact]
    public void HashIsA1111sAutoV2()
    {
        using var single = ModelSource.Open(Golden.TinySdCheckpoint, ModelPlacement.CpuFloat32);
        using var sha = System.Security.Cryptography.SHA256.Create();
        using var stream = File.OpenRead(Golden.TinySdCheckpoint);
        Assert.Equal(Convert.ToHexString(sha.ComputeHash(stream))[..10].ToLowerInvariant(), single.Hash);
    }

    internal static void AssertSameTensors(IWeightSource expected, IWeightSource actual)
    {
        Assert.Equal(expected.Names.Order(), actual.Names.Order());
        foreach (var name in expected.Names)
        {
            using var e = expected.Read(name, torch.ScalarType.Float32, torch.CPU);
            using var a = actual.Read(name, torch.ScalarType.Float32, torch.CPU);
            Assert.Equal(e.shape, actual.ShapeOf(name));
            Assert.True(e.eq(a).all().item<bool>(), $"{name} differs");
        }
    }

    private static void AssertSameConfig(UNet2DConditionConfig e, UNet2DConditionConfig a)
    {
        Assert.Equal(e.BlockOutChannels, a.BlockOutChannels);
        Assert.Equal(e.DownBlockTypes, a.DownBlockTypes);
        Assert.Equal(e.UpBlockTypes, a.UpBlockTypes);
        Assert.Equal(e.AttentionHeadDim, a.AttentionHeadDim);
        Assert.Equal(e with { BlockOutChannels = a.BlockOutChannels, DownBlockTypes = a.DownBlockTypes, UpBlockTypes = a.UpBlockTypes, AttentionHeadDim = a.AttentionHeadDim }, a);
    }

    private static void AssertSameConfig(AutoencoderKLConfig e, AutoencoderKLConfig a)
    {
        Assert.Equal(e.BlockOutChannels, a.BlockOutChannels);
        Assert.Equal(e.DownBlockTypes, a.DownBlockTypes);
        Assert.Equal(e.UpBlockTypes, a.UpBlockTypes);
        Assert.Equal(e with { BlockOutChannels = a.BlockOutChannels, DownBlockTypes = a.DownBlockTypes, UpBlockTypes = a.UpBlockTypes }, a);
    }

    private static void AssertSameConfig(ClipTextConfig e, ClipTextConfig a) => Assert.Equal(e, a);

    private static byte[] ReadAll(Stream s)
    {
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
