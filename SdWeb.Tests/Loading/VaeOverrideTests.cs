using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Tests.Support;
using TorchSharp;

namespace SdWeb.Tests.Loading;

[Layer(Layer.Engine)]
public class VaeOverrideTests
{
    private static string GoldenVaeDir => Golden.PathOf("tiny-sd", "vae");

    [Fact]
    public void AVaeFolderReplacesTheModelsVae()
    {
        using var model = ModelSource.Open(Golden.TinySdCheckpoint, ModelPlacement.CpuFloat32, GoldenVaeDir);
        using var folderVae = new SafeTensorsWeightSource(Path.Combine(GoldenVaeDir, "diffusion_pytorch_model.safetensors"));
        Assert.Equal(GoldenVaeDir, model.VaeOverridePath);
        Assert.Equal(64, model.Vae.Config.SampleSize); // from vae/config.json, not the checkpoint's inference
        SingleFileCheckpointTests.AssertSameTensors(folderVae, model.Vae.Weights);
    }

    [Theory]
    [InlineData("diffusers")]
    [InlineData("diffusers-old-attention-names")]
    [InlineData("ldm-prefixed")]
    [InlineData("ldm-bare")]
    public void ASingleVaeFileInAnyNamingLoadsAsTheFolderVae(string naming)
    {
        using var dir = new TempDir();
        var path = dir["vae.safetensors"];
        using (var checkpoint = SafeTensorsFile.Open(Golden.TinySdCheckpoint))
        using (var folder = SafeTensorsFile.Open(Path.Combine(GoldenVaeDir, "diffusion_pytorch_model.safetensors")))
        {
            var (source, rename) = naming switch
            {
                "diffusers" => (folder, (Func<string, string?>)(k => k)),
                "diffusers-old-attention-names" => (folder, k => k.Replace(".to_q.", ".query.").Replace(".to_k.", ".key.")
                    .Replace(".to_v.", ".value.").Replace(".to_out.0.", ".proj_attn.")),
                "ldm-prefixed" => (checkpoint, k => k.StartsWith("first_stage_model.") ? k : null),
                _ => (checkpoint, k => k.StartsWith("first_stage_model.") ? k["first_stage_model.".Length..] : null),
            };
            var names = source.Tensors.Keys.Where(k => rename(k) is not null).ToDictionary(k => rename(k)!, k => k);
            var entries = names.Select(kv => new SafeTensorEntry(kv.Key, source.Tensors[kv.Value].ScalarType, source.Tensors[kv.Value].Shape)).ToList();
            SafeTensorsFile.Write(path, entries, n => source.Read(names[n]), ownsTensors: true);
        }

        using var model = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32, path);
        using var folderModel = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32);
        SingleFileCheckpointTests.AssertSameTensors(folderModel.Vae.Weights, model.Vae.Weights);
        Assert.Equal(folderModel.Vae.Config with { SampleSize = 512 }, model.Vae.Config with
        {
            BlockOutChannels = folderModel.Vae.Config.BlockOutChannels,
            DownBlockTypes = folderModel.Vae.Config.DownBlockTypes,
            UpBlockTypes = folderModel.Vae.Config.UpBlockTypes,
        });
        Assert.Equal(folderModel.Vae.Config.BlockOutChannels, model.Vae.Config.BlockOutChannels);
    }

    [Fact]
    public void AFileWithoutADecoderIsNotAVae()
    {
        using var dir = new TempDir();
        var path = dir["unet.safetensors"];
        File.Copy(Path.Combine(Golden.TinySdFolder, "unet", "diffusion_pytorch_model.safetensors"), path);
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32, path));
        Assert.Equal($"{path}: not a VAE: it has no decoder.* tensors.", e.Message);
    }

    [Fact]
    public void AMissingVaeIsNamed()
    {
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32, "/nonexistent/vae"));
        Assert.Equal("/nonexistent/vae: no such VAE file or folder.", e.Message);
    }

    [Fact]
    public void AFullCheckpointIsNotASingleFileModelWithoutItsParts()
    {
        using var dir = new TempDir();
        var path = dir["vae-only.safetensors"];
        File.Copy(Path.Combine(GoldenVaeDir, "diffusion_pytorch_model.safetensors"), path);
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(path, ModelPlacement.CpuFloat32));
        Assert.StartsWith($"{path}: not a full Stable Diffusion v1 checkpoint: it has no model.diffusion_model.*, first_stage_model.*, cond_stage_model.transformer.* tensors", e.Message);
    }

    [Fact]
    public void ConvAttentionWeightsAreServedAsLinear()
    {
        using var model = ModelSource.Open(Golden.TinySdCheckpoint, ModelPlacement.CpuFloat32);
        Assert.Equal(new long[] { 64, 64 }, model.Vae.Weights.ShapeOf("decoder.mid_block.attentions.0.to_q.weight"));
        using var t = model.Vae.Weights.Read("decoder.mid_block.attentions.0.to_out.0.weight", torch.ScalarType.Float32, torch.CPU);
        Assert.Equal(new long[] { 64, 64 }, t.shape);
    }
}
