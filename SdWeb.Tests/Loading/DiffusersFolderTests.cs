using System.Security.Cryptography;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.Configs;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Models;
using SdWeb.Tests.Support;
using TorchSharp;

namespace SdWeb.Tests.Loading;

[Layer(Layer.Engine)]
public class DiffusersFolderTests
{
    private static readonly ModelPlacement CpuHalf = new(torch.CPU, torch.ScalarType.Float16);

    [Fact]
    public void ReadsEveryComponentOfTheGoldenFolder()
    {
        using var model = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32);
        Assert.Equal(ModelFormat.DiffusersFolder, model.Format);
        Assert.Equal("tiny-sd", model.Name);

        // The values in tiny-sd/*/config.json.
        var unet = model.UNet.Config;
        Assert.Equal(new[] { 32, 64, 64, 64 }, unet.BlockOutChannels);
        Assert.Equal(new[] { 8 }, unet.AttentionHeadDim);
        Assert.Null(unet.NumAttentionHeads);
        Assert.Equal(32, unet.CrossAttentionDim);
        Assert.Equal(8, unet.SampleSize);
        Assert.Equal(["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"], unet.DownBlockTypes);
        Assert.Equal(new ClipTextConfig { HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4 }, model.TextEncoder.Config);
        Assert.Equal(64, model.Vae.Config.SampleSize);
        Assert.Equal(new[] { 32, 64, 64, 64 }, model.Vae.Config.BlockOutChannels);

        Assert.Equal("PNDMScheduler", model.Scheduler.ClassName);
        var s = model.Scheduler.Config;
        Assert.Equal(("scaled_linear", 0.00085, 0.012, "leading", 1, true, false, false),
            (s.BetaSchedule, s.BetaStart, s.BetaEnd, s.TimestepSpacing, s.StepsOffset, s.SkipPrkSteps, s.SetAlphaToOne, s.ClipSample));
        Assert.Null(s.TrainedBetas);

        Assert.Equal(Path.Combine(Golden.TinySdFolder, "tokenizer"), model.Tokenizer.Description);
        Assert.Equal(684, model.UNet.Weights.Names.Count);
        Assert.Equal(244, model.Vae.Weights.Names.Count);
        Assert.Equal(36, model.TextEncoder.Weights.Names.Count);
    }

    [Fact]
    public void FolderHashCoversTheUNetWeights()
    {
        using var model = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32);
        var unetFile = Path.Combine(Golden.TinySdFolder, "unet", "diffusion_pytorch_model.safetensors");
        Assert.Equal(unetFile, model.HashedFile);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(unetFile)))[..10].ToLowerInvariant(), model.Hash);
    }

    [Fact]
    public void AttentionHeadDimMayBeAListAndConfigsRoundTrip()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["c.json"], """{"attention_head_dim": [5, 10, 20, 20], "num_attention_heads": null, "cross_attention_norm": null, "use_linear_projection": true}""");
        var read = ConfigJson.Read<UNet2DConditionConfig>(dir["c.json"]);
        Assert.Equal(new[] { 5, 10, 20, 20 }, read.AttentionHeadDim);
        Assert.True(read.UseLinearProjection);

        ConfigJson.Write(dir["d.json"], read);
        var again = ConfigJson.Read<UNet2DConditionConfig>(dir["d.json"]);
        Assert.Equal(read.AttentionHeadDim, again.AttentionHeadDim);
        Assert.Equal(read.BlockOutChannels, again.BlockOutChannels);
        Assert.Equal(read with { AttentionHeadDim = again.AttentionHeadDim, BlockOutChannels = again.BlockOutChannels, DownBlockTypes = again.DownBlockTypes, UpBlockTypes = again.UpBlockTypes }, again);
        Assert.Contains("\"cross_attention_dim\": 768", File.ReadAllText(dir["d.json"]));
    }

    [Fact]
    public void MalformedConfigNamesTheFile()
    {
        using var dir = new TempDir();
        var model = dir.CopyFrom(Golden.TinySdFolder, "m");
        var config = Path.Combine(model, "vae", "config.json");
        File.WriteAllText(config, """{"block_out_channels": "wide"}""");
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(model, ModelPlacement.CpuFloat32));
        Assert.StartsWith($"{config}: cannot read it as a AutoencoderKLConfig:", e.Message);
    }

    [Fact]
    public void PrefersTheFp16VariantForFp16Runs()
    {
        using var dir = new TempDir();
        var model = dir.CopyFrom(Golden.TinySdFolder, "m");
        var unet = Path.Combine(model, "unet");
        WriteHalfCopy(Path.Combine(unet, "diffusion_pytorch_model.safetensors"), Path.Combine(unet, "diffusion_pytorch_model.fp16.safetensors"));

        using (var half = ModelSource.Open(model, CpuHalf))
            Assert.Equal(torch.ScalarType.Float16, half.UNet.Weights.DTypeOf("conv_in.weight"));
        using (var full = ModelSource.Open(model, ModelPlacement.CpuFloat32))
            Assert.Equal(torch.ScalarType.Float32, full.UNet.Weights.DTypeOf("conv_in.weight"));

        File.Delete(Path.Combine(unet, "diffusion_pytorch_model.safetensors"));
        using var onlyHalf = ModelSource.Open(model, ModelPlacement.CpuFloat32);
        Assert.Equal(torch.ScalarType.Float16, onlyHalf.UNet.Weights.DTypeOf("conv_in.weight"));
    }

    [Theory]
    [InlineData("vae", null, "the vae folder is missing; a diffusers model needs unet/, vae/, text_encoder/, tokenizer/ and scheduler/.")]
    [InlineData("unet", "config.json", "the unet folder has no config.json.")]
    [InlineData("text_encoder", "model.safetensors", "the text_encoder folder has no weights file; expected model.safetensors (or model.fp16.safetensors).")]
    [InlineData("tokenizer", "merges.txt", "the tokenizer folder has no merges.txt; it needs vocab.json and merges.txt (CLIPTokenizer files).")]
    public void MissingPiecesAreNamed(string component, string? file, string expectedTail)
    {
        using var dir = new TempDir();
        var model = dir.CopyFrom(Golden.TinySdFolder, "m");
        var componentDir = Path.Combine(model, component);
        if (file is null) Directory.Delete(componentDir, recursive: true);
        else File.Delete(Path.Combine(componentDir, file));
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(model, ModelPlacement.CpuFloat32));
        Assert.Equal($"{componentDir}: {expectedTail}", e.Message);
    }

    [Fact]
    public void MissingSchedulerConfigIsNamed()
    {
        using var dir = new TempDir();
        var model = dir.CopyFrom(Golden.TinySdFolder, "m");
        File.Delete(Path.Combine(model, "scheduler", "scheduler_config.json"));
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(model, ModelPlacement.CpuFloat32));
        Assert.Equal($"{model}: the model has no scheduler/scheduler_config.json; copy it from the model's original repository.", e.Message);
    }

    [Theory]
    [InlineData("\"text_encoder_2\": [\"transformers\", \"CLIPTextModelWithProjection\"],", "this is an SDXL model (it has text_encoder_2)")]
    [InlineData("\"unet\": [\"diffusers\", \"UNet2DModel\"],", "'unet' is a UNet2DModel, not a UNet2DConditionModel")]
    public void NonSdV1ModelIndexIsRefused(string replacementLine, string expected)
    {
        using var dir = new TempDir();
        var model = dir.CopyFrom(Golden.TinySdFolder, "m");
        var index = Path.Combine(model, "model_index.json");
        var text = File.ReadAllText(index);
        text = replacementLine.StartsWith("\"unet\"")
            ? text.Replace("\"unet\": [\n    \"diffusers\",\n    \"UNet2DConditionModel\"\n  ],", replacementLine)
            : text.Replace("{", "{" + replacementLine);
        File.WriteAllText(index, text);
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(model, ModelPlacement.CpuFloat32));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(index, e.Message);
    }

    [Fact]
    public void AFolderWithoutModelIndexIsNotAModel()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(dir.Path, ModelPlacement.CpuFloat32));
        Assert.Equal($"{dir.Path}: not a diffusers model folder (no model_index.json).", e.Message);
    }

    [Fact]
    public void UnknownPathsAndFormatsAreExplained()
    {
        using var dir = new TempDir();
        Assert.Equal($"{dir["none"]}: no such model file or folder.",
            Assert.Throws<ModelLoadException>(() => ModelSource.Open(dir["none"], ModelPlacement.CpuFloat32)).Message);
        File.WriteAllText(dir["m.onnx"], "x");
        Assert.Equal($"{dir["m.onnx"]}: unknown model format; use a .safetensors checkpoint or a diffusers model folder.",
            Assert.Throws<ModelLoadException>(() => ModelSource.Open(dir["m.onnx"], ModelPlacement.CpuFloat32)).Message);
    }

    private static void WriteHalfCopy(string source, string target)
    {
        using var file = SafeTensorsFile.Open(source);
        var entries = file.Tensors.Values.Select(t => new SafeTensorEntry(t.Name, torch.ScalarType.Float16, t.Shape)).ToList();
        SafeTensorsFile.Write(target, entries, name => file.Read(name, torch.ScalarType.Float16), ownsTensors: true);
    }
}
