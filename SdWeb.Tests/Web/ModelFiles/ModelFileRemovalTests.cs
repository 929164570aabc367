using SdWeb.ModelFiles;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.ModelFiles;

[Layer(Layer.Web)]
public sealed class ModelFileRemovalTests : IDisposable
{
    private readonly ModelFilesBed _bed = new();

    [Fact]
    public void TheLoadedModelAndTheOnlyModelAreKeptWithAReason()
    {
        var loaded = _bed.Add(Golden.TinySdCheckpoint, "a.safetensors");
        var other = _bed.Add(Golden.TinySdCheckpoint, "b.safetensors");
        _bed.Host.Get("a.safetensors");

        var refusal = _bed.Removal.Delete(ModelKind.Checkpoint, "a.safetensors");

        Assert.Contains("the model the engine has loaded now", refusal, StringComparison.Ordinal);
        Assert.True(File.Exists(loaded));

        Assert.Null(_bed.Removal.Delete(ModelKind.Checkpoint, "b.safetensors"));
        Assert.False(File.Exists(other));
        Assert.Equal(["a.safetensors"], _bed.Library.Names());

        _bed.Host.Release();
        Assert.Contains("the only model", _bed.Removal.Delete(ModelKind.Checkpoint, "a.safetensors"), StringComparison.Ordinal);
        Assert.True(File.Exists(loaded));
    }

    [Fact]
    public void ADeletedLoraAndDiffusersFolderDisappearFromTheLibraries()
    {
        _bed.Add(Golden.PathOf("features", "lora", "tiny-detail.safetensors"), "Lora/tiny-detail.safetensors");
        _bed.Dir.CopyFrom(Golden.TinySdFolder, "models/tiny-sd");
        _bed.Add(Golden.TinySdCheckpoint, "keep.safetensors");

        Assert.Null(_bed.Removal.Delete(ModelKind.Lora, "tiny-detail"));
        Assert.Null(_bed.Removal.Delete(ModelKind.Checkpoint, "tiny-sd"));

        Assert.Empty(_bed.Networks.Loras());
        Assert.Equal(["keep.safetensors"], _bed.Library.Names());
        Assert.False(Directory.Exists(Path.Combine(_bed.Options.ModelsPath, "tiny-sd")));
    }

    [Fact]
    public void ANameThatIsNotListedDeletesNothing()
    {
        var outside = _bed.Dir["secret.safetensors"];
        File.WriteAllText(outside, "x");

        Assert.Contains("no Lora named", _bed.Removal.Delete(ModelKind.Lora, "../../secret"), StringComparison.Ordinal);
        Assert.True(File.Exists(outside));
    }

    public void Dispose() => _bed.Dispose();
}
