using SdWeb.Engine.Loading;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Loading;

[Layer(Layer.Engine)]
public class ModelCatalogTests
{
    [Fact]
    public void FindsDiffusersFoldersAndCheckpointsButNotVaesOrPartialDownloads()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["tiny"]);
        File.WriteAllText(dir["tiny/model_index.json"], "{}");
        File.WriteAllText(dir["tiny/unet.safetensors"], ""); // inside a diffusers folder: part of it, not a model
        Directory.CreateDirectory(dir["sd/anime"]);
        File.WriteAllText(dir["sd/anime/a.safetensors"], "");
        File.WriteAllText(dir["b.safetensors"], "");
        File.WriteAllText(dir["b.vae.safetensors"], "");
        File.WriteAllText(dir["old.ckpt"], "");
        Directory.CreateDirectory(dir[".partial"]);
        File.WriteAllText(dir[".partial/model_index.json"], "{}");

        var found = ModelCatalog.Discover(dir.Path);
        Assert.Equal(["b.safetensors", "sd/anime/a.safetensors", "tiny"], found.Select(f => f.Name));
        Assert.Equal([ModelFormat.SingleFile, ModelFormat.SingleFile, ModelFormat.DiffusersFolder], found.Select(f => f.Format));
        Assert.Equal(dir["tiny"], found[2].Path);
    }

    /// <summary>AUTOMATIC1111's layout keeps LoRAs, embeddings and VAEs beside the checkpoints: they are no models.</summary>
    [Fact]
    public void LorasEmbeddingsAndVaesBesideTheCheckpointsAreNotModels()
    {
        using var dir = new TempDir();
        foreach (var folder in new[] { "Lora/styles", "embeddings", "VAE", "LyCORIS", "Stable-diffusion" })
            Directory.CreateDirectory(dir[folder]);
        File.WriteAllText(dir["Lora/styles/detail.safetensors"], "");
        File.WriteAllText(dir["embeddings/easynegative.safetensors"], "");
        File.WriteAllText(dir["VAE/ft-mse.safetensors"], "");
        File.WriteAllText(dir["LyCORIS/locon.safetensors"], "");
        File.WriteAllText(dir["Stable-diffusion/v1-5.safetensors"], "");

        Assert.Equal(["Stable-diffusion/v1-5.safetensors"], ModelCatalog.Discover(dir.Path).Select(f => f.Name));
    }

    [Fact]
    public void AMissingFolderHasNoModels() => Assert.Empty(ModelCatalog.Discover("/nonexistent/models"));

    [Theory]
    [InlineData("../secret.safetensors")]
    [InlineData("sub/../../secret.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    public void NamesLeadingOutsideTheFolderAreRefused(string name)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ModelLoadException>(() => ModelCatalog.Resolve(dir.Path, name));
        Assert.Contains(dir.Path, e.Message);
    }

    [Fact]
    public void NamesInsideTheFolderResolve()
    {
        using var dir = new TempDir();
        Assert.Equal(dir["sd/a.safetensors"], ModelCatalog.Resolve(dir.Path, "sd/a.safetensors"));
        Assert.Equal(dir["tiny"], ModelCatalog.Resolve(dir.Path, "x/../tiny"));
    }
}
