using System.Security.Cryptography;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SdWeb.Components.ModelFiles;
using SdWeb.Gallery;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Components;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.ModelFiles;

[Layer(Layer.Web)]
public sealed class ModelsPageTests : MudComponentTest
{
    private readonly ModelFilesBed _bed = new();
    private ImageStoreBed _images = default!;

    public override async Task InitializeAsync()
    {
        _images = await ImageStoreBed.CreateAsync();
        Services.AddSingleton(_bed.Options);
        Services.AddSingleton(_bed.Inventory);
        Services.AddSingleton(_bed.Downloads);
        Services.AddSingleton(_bed.Removal);
        Services.AddSingleton(new SdWeb.ModelFiles.ModelUsage(new GallerySearch(_images.Database)));
    }

    protected override Task DisposeTestAsync()
    {
        _images.Dispose();
        _bed.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ListsEveryKindWithFormatSizeHashFamilyAndUse()
    {
        var checkpoint = _bed.Add(Golden.TinySdCheckpoint, "tiny.safetensors");
        var embedding = _bed.Add(Golden.PathOf("features", "embeddings", "tiny-style.safetensors"), "embeddings/tiny-style.safetensors");
        _bed.Add(Golden.PathOf("features", "lora", "tiny-detail.safetensors"), "Lora/tiny-detail.safetensors");
        _bed.Dir.CopyFrom(Path.Combine(Golden.TinySdFolder, "vae"), "models/VAE/tiny-vae");
        await _images.AddImageAsync("a fox", 1, model: "tiny.safetensors");
        await _images.AddImageAsync("a fox, tiny-style", 2, model: "other");

        Render<MudPopoverProvider>();
        var page = Render<ModelsPage>();

        page.WaitForAssertion(() =>
        {
            Assert.Equal(4, page.FindAll("tr.model-file").Count);
            Assert.DoesNotContain("hashing…", page.Find("#model-files").TextContent, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30));
        string Cell(string name, string cell) => page.Find($"tr.model-file[data-name='{name}'] .model-{cell}").TextContent.Trim();
        Assert.Equal(["tiny.safetensors", "tiny-vae", "tiny-detail", "tiny-style"], page.FindAll("tr.model-file .model-name").Select(e => e.TextContent));
        Assert.Equal("safetensors", Cell("tiny.safetensors", "format"));
        Assert.Equal("diffusers folder", Cell("tiny-vae", "format"));
        // A1111's hashes, computed here from the files: AutoV2 (10 digits) for a checkpoint, the whole file's (12) for an embedding.
        Assert.Equal(Sha256(checkpoint)[..10], Cell("tiny.safetensors", "hash"));
        Assert.Equal(Sha256(embedding)[..12], Cell("tiny-style", "hash"));
        Assert.Equal("32-wide text encoder", Cell("tiny-style", "family")); // the golden embedding's vectors are [2, 32]
        Assert.Equal("32-wide text encoder", Cell("tiny.safetensors", "family"));
        Assert.Equal("368 B", Cell("tiny-style", "size"));
        Assert.Equal("25.1 MB", Cell("tiny.safetensors", "size")); // 26,349,604 bytes
        var modelUse = page.Find("tr.model-file[data-name='tiny.safetensors'] .model-usage a");
        Assert.Equal(("1 image", "gallery?model=tiny.safetensors"), (modelUse.TextContent, modelUse.GetAttribute("href")));
        Assert.Equal("gallery?q=tiny-style", page.Find("tr.model-file[data-name='tiny-style'] .model-usage a").GetAttribute("href"));
    }

    [Fact]
    public void ARefusedDownloadSaysWhy()
    {
        var page = Render<ModelsPage>();

        page.Find("#download-repository").Input("not a repository");
        page.Find("#download-start").Click();

        page.WaitForAssertion(() => Assert.Contains("is not a Hugging Face repository id", page.Find("#download-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(_bed.Downloads.All());
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
