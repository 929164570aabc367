using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Loading;

[Layer(Layer.Engine)]
public class PickleRefusalTests
{
    [Theory]
    [InlineData("model.ckpt")]
    [InlineData("model.bin")]
    [InlineData("model.pt")]
    [InlineData("model.pth")]
    public void PickleExtensionsAreNeverOpened(string name)
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir[name], [0x80, 0x02, 0x7d]); // a pickle that would be read if we tried
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(dir[name], ModelPlacement.CpuFloat32));
        AssertExplainsRefusal(e.Message, dir[name]);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0 })] // torch.save's zip archive
    [InlineData(new byte[] { 0x80, 0x04, 0x95, 0, 0, 0, 0, 0 })] // a raw protocol-4 pickle
    public void ASafetensorsNamedPickleIsRecognisedByItsBytes(byte[] head)
    {
        using var dir = new TempDir();
        var path = dir["model.safetensors"];
        File.WriteAllBytes(path, [.. head, .. new byte[100]]);
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(path, ModelPlacement.CpuFloat32));
        AssertExplainsRefusal(e.Message, path);
    }

    [Fact]
    public void ADiffusersFolderWithOnlyBinWeightsIsRefused()
    {
        using var dir = new TempDir();
        var model = dir.CopyFrom(Golden.TinySdFolder, "m");
        var unet = Path.Combine(model, "unet");
        File.Move(Path.Combine(unet, "diffusion_pytorch_model.safetensors"), Path.Combine(unet, "diffusion_pytorch_model.bin"));
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(model, ModelPlacement.CpuFloat32));
        AssertExplainsRefusal(e.Message, Path.Combine(unet, "diffusion_pytorch_model.bin"));
        Assert.Contains("the unet weights are a PyTorch pickle", e.Message);
    }

    [Fact]
    public void APickleVaeOverrideIsRefused()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir["vae.pt"], [0x80, 0x02]);
        var e = Assert.Throws<ModelLoadException>(() => ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32, dir["vae.pt"]));
        AssertExplainsRefusal(e.Message, dir["vae.pt"]);
    }

    private static void AssertExplainsRefusal(string message, string path)
    {
        Assert.StartsWith(path + ":", message);
        Assert.Contains("PyTorch pickle checkpoint, which SdWeb never loads", message);
        Assert.Contains("can run arbitrary code", message);
        Assert.Contains(".safetensors variant", message);
        Assert.Contains("st.save_file", message);
    }
}
