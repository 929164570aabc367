using System.Net;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.Hub;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Loading;

[Layer(Layer.Engine)]
public class HubDownloaderTests
{
    private const string Repo = "test-org/tiny-sd";

    [Fact]
    public async Task DownloadsARepositoryThatThenLoadsLikeTheOriginal()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo);
        using var models = new TempDir();
        using var http = new HttpClient();
        var progress = new List<DownloadProgress>();
        var folder = await new HubDownloader(http, new HubDownloadOptions { BaseUrl = hub.BaseUrl, Token = "hf_secret" })
            .DownloadAsync(Repo, models.Path, progress.Add, CancellationToken.None);

        Assert.Equal(models["tiny-sd"], folder);
        using (var downloaded = ModelSource.Open(folder, ModelPlacement.CpuFloat32))
        using (var original = ModelSource.Open(Golden.TinySdFolder, ModelPlacement.CpuFloat32))
        {
            SingleFileCheckpointTests.AssertSameTensors(original.UNet.Weights, downloaded.UNet.Weights);
            Assert.Equal(original.Hash, downloaded.Hash);
        }
        foreach (var file in Directory.EnumerateFiles(Golden.TinySdFolder, "*", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(folder, Path.GetRelativePath(Golden.TinySdFolder, file))));
        Assert.Empty(Directory.EnumerateFiles(folder, "*.partial", SearchOption.AllDirectories));

        var unetLast = progress.Last(p => p.File == "unet/diffusion_pytorch_model.safetensors");
        Assert.Equal(new FileInfo(Path.Combine(Golden.TinySdFolder, "unet", "diffusion_pytorch_model.safetensors")).Length, unetLast.BytesDone);
        Assert.Equal(unetLast.BytesDone, unetLast.BytesTotal);
        Assert.All(hub.Requests, r => Assert.Equal("Bearer hf_secret", r.Authorization));
        Assert.Contains(hub.Requests, r => r.Path == $"/{Repo}/resolve/main/model_index.json");
    }

    [Fact]
    public async Task ResumesAPartialFileWithARangeRequest()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo);
        using var models = new TempDir();
        var original = File.ReadAllBytes(Path.Combine(Golden.TinySdFolder, "vae", "diffusion_pytorch_model.safetensors"));
        Directory.CreateDirectory(models["tiny-sd/vae"]);
        File.WriteAllBytes(models["tiny-sd/vae/diffusion_pytorch_model.safetensors.partial"], original[..1000]);

        using var http = new HttpClient();
        await new HubDownloader(http, new HubDownloadOptions { BaseUrl = hub.BaseUrl }).DownloadAsync(Repo, models.Path, null, CancellationToken.None);

        Assert.Equal(original, File.ReadAllBytes(models["tiny-sd/vae/diffusion_pytorch_model.safetensors"]));
        Assert.Contains(hub.Requests, r => r.Path.EndsWith("vae/diffusion_pytorch_model.safetensors") && r.Range == "bytes=1000-");
        Assert.All(hub.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task PrefersFp16WeightsWhereTheRepositoryHasThem()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo);
        using var models = new TempDir();
        using var http = new HttpClient();
        await new HubDownloader(http, new HubDownloadOptions { BaseUrl = hub.BaseUrl, PreferFp16 = true })
            .DownloadAsync(Repo, models.Path, null, CancellationToken.None);
        // The golden repository has no fp16 variant: asked for first, then the full weights.
        Assert.Contains(hub.Requests, r => r.Path.EndsWith("unet/diffusion_pytorch_model.fp16.safetensors"));
        Assert.True(File.Exists(models["tiny-sd/unet/diffusion_pytorch_model.safetensors"]));
    }

    [Fact]
    public async Task ARepositoryWithOnlyPickleWeightsIsRefused()
    {
        using var repo = new TempDir();
        var root = repo.CopyFrom(Golden.TinySdFolder, "r");
        File.Move(Path.Combine(root, "unet", "diffusion_pytorch_model.safetensors"), Path.Combine(root, "unet", "diffusion_pytorch_model.bin"));
        using var hub = new FakeHub(root, Repo);
        using var models = new TempDir();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<ModelLoadException>(() =>
            new HubDownloader(http, new HubDownloadOptions { BaseUrl = hub.BaseUrl }).DownloadAsync(Repo, models.Path, null, CancellationToken.None));
        Assert.Equal($"{Repo}: the repository has no safetensors weights for unet (unet/diffusion_pytorch_model.safetensors). " +
                     "Pickle weights (.bin) are never downloaded, since loading them can run arbitrary code; choose a repository with .safetensors files.", e.Message);
        Assert.False(File.Exists(models["tiny-sd/model_index.json"]), "an incomplete download must not look like a model");
    }

    [Fact]
    public async Task AGatedRepositoryAsksForAToken()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo) { ForcedStatus = HttpStatusCode.Unauthorized };
        using var models = new TempDir();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<ModelLoadException>(() =>
            new HubDownloader(http, new HubDownloadOptions { BaseUrl = hub.BaseUrl }).DownloadAsync(Repo, models.Path, null, CancellationToken.None));
        Assert.Equal($"{Repo}: the hub refused model_index.json (401); the repository is gated or private. " +
                     "Accept its terms on huggingface.co and set HF_TOKEN to an access token.", e.Message);
    }

    [Fact]
    public async Task AMissingRepositoryIsNamed()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo);
        using var models = new TempDir();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<ModelLoadException>(() =>
            new HubDownloader(http, new HubDownloadOptions { BaseUrl = hub.BaseUrl }).DownloadAsync("other/model", models.Path, null, CancellationToken.None));
        Assert.Equal("other/model: the repository has no model_index.json; it is not a diffusers model (or the id is misspelt).", e.Message);
    }

    [Theory]
    [InlineData("no-slash")]
    [InlineData("../etc/passwd")]
    [InlineData("a/..")]
    public void RepositoryIdsMustBeOwnerSlashName(string repo)
    {
        var e = Assert.Throws<ArgumentException>(() => HubDownloader.TargetFolder(repo, "/models"));
        Assert.Equal($"'{repo}' is not a Hugging Face repository id (owner/name, e.g. runwayml/stable-diffusion-v1-5).", e.Message);
    }
}
