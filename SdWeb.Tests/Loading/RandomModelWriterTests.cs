using System.Text.Json;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.RandomModels;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Models.Clip;
using SdWeb.Engine.Models.Unet;
using SdWeb.Engine.Models.Vae;
using SdWeb.Engine.Tokenization;
using SdWeb.Tests.Support;
using TorchSharp;

namespace SdWeb.Tests.Loading;

[Layer(Layer.Engine)]
public class RandomModelWriterTests
{
    [Fact]
    public void TinyLoadsBackWithTheGoldenTinySdShapes()
    {
        using var dir = new TempDir();
        RandomModelWriter.Write(dir["m"], RandomModelPreset.Tiny, seed: 1);

        using var random = ModelSource.Open(dir["m"], ModelPlacement.CpuFloat32);
        using var golden = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32);
        foreach (var (r, g) in new[] { (random.UNet.Weights, golden.UNet.Weights), (random.Vae.Weights, golden.Vae.Weights), (random.TextEncoder.Weights, golden.TextEncoder.Weights) })
        {
            Assert.Equal(g.Names.Order(), r.Names.Order());
            Assert.All(g.Names, n => Assert.Equal(g.ShapeOf(n), r.ShapeOf(n)));
        }
        Assert.Equal(golden.TextEncoder.Config, random.TextEncoder.Config);
        Assert.Equal(golden.UNet.Config.BlockOutChannels, random.UNet.Config.BlockOutChannels);
        Assert.Equal(golden.Scheduler, random.Scheduler with { Description = golden.Scheduler.Description });
        WeightFit.Check(random);

        using var unet = new UNet2DConditionModel(random.UNet.Config, ModelPlacement.CpuFloat32);
        ModuleWeightLoader.Load(unet, random.UNet.Weights);
        using var vae = new AutoencoderKL(random.Vae.Config, ModelPlacement.CpuFloat32);
        ModuleWeightLoader.Load(vae, random.Vae.Weights);
        using var clip = new ClipTextModel(random.TextEncoder.Config, ModelPlacement.CpuFloat32);
        clip.LoadWeights(random.TextEncoder.Weights);
    }

    [Fact]
    public void ConfigsRoundTripThroughTheWrittenJson()
    {
        using var dir = new TempDir();
        RandomModelWriter.Write(dir["m"], RandomModelPreset.Tiny, seed: 1);
        using var random = ModelSource.Open(dir["m"], ModelPlacement.CpuFloat32);
        var p = RandomModelPreset.Tiny;
        Assert.Equal(p.TextEncoder, random.TextEncoder.Config);
        Assert.Equal(p.UNet with
        {
            BlockOutChannels = random.UNet.Config.BlockOutChannels,
            DownBlockTypes = random.UNet.Config.DownBlockTypes,
            UpBlockTypes = random.UNet.Config.UpBlockTypes,
            AttentionHeadDim = random.UNet.Config.AttentionHeadDim
        }, random.UNet.Config);
        Assert.Equal(p.UNet.AttentionHeadDim, random.UNet.Config.AttentionHeadDim);
        Assert.Equal(p.Vae with
        {
            BlockOutChannels = random.Vae.Config.BlockOutChannels,
            DownBlockTypes = random.Vae.Config.DownBlockTypes,
            UpBlockTypes = random.Vae.Config.UpBlockTypes
        }, random.Vae.Config);
        using var unetConfig = JsonDocument.Parse(File.ReadAllText(dir["m/unet/config.json"]));
        Assert.Equal("UNet2DConditionModel", unetConfig.RootElement.GetProperty("_class_name").GetString());
        Assert.Equal(8, unetConfig.RootElement.GetProperty("attention_head_dim").GetInt32()); // an int, as diffusers writes SD v1's
    }

    [Fact]
    public void WeightsAreSeededAndScaled()
    {
        using var dir = new TempDir();
        RandomModelWriter.Write(dir["a"], RandomModelPreset.Tiny, seed: 7);
        RandomModelWriter.Write(dir["b"], RandomModelPreset.Tiny, seed: 7);
        RandomModelWriter.Write(dir["c"], RandomModelPreset.Tiny, seed: 8);
        const string unet = "unet/diffusion_pytorch_model.safetensors";
        Assert.Equal(File.ReadAllBytes(dir["a/" + unet]), File.ReadAllBytes(dir["b/" + unet]));
        Assert.NotEqual(File.ReadAllBytes(dir["a/" + unet]), File.ReadAllBytes(dir["c/" + unet]));

        using var file = SafeTensorsFile.Open(dir["a/text_encoder/model.safetensors"]);
        using var embedding = file.Read("text_model.embeddings.token_embedding.weight");
        Assert.InRange(embedding.std().item<float>(), 0.0195f, 0.0205f);
        Assert.InRange(embedding.mean().item<float>(), -0.001f, 0.001f);
        using var norm = file.Read("text_model.final_layer_norm.weight");
        Assert.True(norm.eq(1).all().item<bool>());
        using var bias = file.Read("text_model.final_layer_norm.bias");
        Assert.True(bias.eq(0).all().item<bool>());
    }

    [Fact]
    public void TheOwnVocabularyKeepsClipsIdsAndTokenizesAnyText()
    {
        using var dir = new TempDir();
        RandomModelWriter.Write(dir["m"], RandomModelPreset.Tiny, seed: 1);
        var ours = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(dir["m/tokenizer/vocab.json"]))!;
        var clip = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Golden.PathOf("tiny-sd", "tokenizer", "vocab.json")))!;
        Assert.Equal(514, ours.Count);
        Assert.All(ours, kv => Assert.Equal(clip[kv.Key], kv.Value));

        var ids = ClipTokenizer.FromFolder(dir["m/tokenizer"]).Tokenize("A cat!").InputIds;
        // The CLIP regex splits "cat" and "!" into separate words; with no merges each byte is one token.
        int[] expected = [49406, ours["a</w>"], ours["c"], ours["a"], ours["t</w>"], ours["!</w>"], 49407];
        Assert.Equal(expected, ids.Take(expected.Length));
        Assert.All(ids.Skip(expected.Length), id => Assert.Equal(49407, id));
    }

    [Fact]
    public void Sd15PresetHasStableDiffusion15sParameterCounts()
    {
        // SD 1.5: UNet 859,520,964; CLIP ViT-L/14 text model 123,060,480; VAE 83,653,863 parameters.
        var p = RandomModelPreset.Sd15;
        using var unet = new UNet2DConditionModel(p.UNet, WeightFit.ShapeOnly);
        using var clip = new ClipTextModel(p.TextEncoder, WeightFit.ShapeOnly);
        using var vae = new AutoencoderKL(p.Vae, WeightFit.ShapeOnly);
        Assert.Equal(859_520_964L, unet.parameters().Sum(t => t.NumberOfElements));
        Assert.Equal(123_060_480L, clip.parameters().Sum(t => t.NumberOfElements));
        Assert.Equal(83_653_863L, vae.parameters().Sum(t => t.NumberOfElements));
    }

    [Fact]
    public void RefusesToWriteIntoANonEmptyFolder()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["x"], "");
        var e = Assert.Throws<IOException>(() => RandomModelWriter.Write(dir.Path, RandomModelPreset.Tiny, 0));
        Assert.Equal($"{dir.Path} is not empty; choose a new folder for the random model.", e.Message);
    }

    [Fact]
    public void UnknownPresetIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => RandomModelPreset.Named("xl"));
        Assert.Equal("unknown preset 'xl'; choose one of: tiny, sd15.", e.Message);
    }
}
