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
