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
        using var hub = new FakeHub(Golden.TinySdFolder, Repo) { Gated = true, GrantedToken = "hf_accepted" };
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Download(hub, Repo));
        Assert.Equal($"{Repo}: the repository is gated (401 GatedRepo). Accept its terms on huggingface.co and set HF_TOKEN to an access token.", e.Message);
    }

    [Fact]
    public async Task AGatedRepositoryRefusesATokenWhoseAccountHasNotAcceptedItsTerms()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo) { Gated = true, GrantedToken = "hf_accepted" };
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Download(hub, Repo, token: "hf_other"));
        Assert.Equal($"{Repo}: the repository is gated and the access token may not read it yet (403 GatedRepo). " +
                     "Accept its terms on huggingface.co with the account HF_TOKEN belongs to.", e.Message);
    }

    [Fact]
    public async Task AGatedRepositoryDownloadsWithAnAcceptedToken()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo) { Gated = true, GrantedToken = "hf_accepted" };
        using var models = new TempDir();
        using var http = new HttpClient();
        var folder = await new HubDownloader(http, new HubDownloadOptions { BaseUrl = hub.BaseUrl, Token = "hf_accepted" })
            .DownloadAsync(Repo, models.Path, null, CancellationToken.None);
        using var source = ModelSource.Open(folder, ModelPlacement.CpuFloat32);
        Assert.Equal(ModelFormat.DiffusersFolder, source.Format);
    }

    [Fact]
    public async Task AMissingRepositoryWithoutATokenMayAlsoBePrivate()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo);
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Download(hub, "other/model"));
        Assert.Equal("other/model: the hub has no public repository of that name (401 RepoNotFound). Check the name; " +
                     "if the repository is private, set HF_TOKEN to an access token that can read it.", e.Message);
    }

    [Fact]
    public async Task AMissingRepositoryWithATokenIsNotFound()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo);
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Download(hub, "other/model", token: "hf_secret"));
        Assert.Equal("other/model: the hub has no repository of that name (404 RepoNotFound); check the name.", e.Message);
    }

    [Theory]
    [InlineData("runwayml/stable-diffusion-v1-5", "stable-diffusion-v1-5/stable-diffusion-v1-5")]
    [InlineData("runwayml/stable-diffusion-inpainting", "stable-diffusion-v1-5/stable-diffusion-inpainting")]
    public async Task AMovedRepositoryNamesWhereItLivesNow(string moved, string now)
    {
        using var hub = new FakeHub(Golden.TinySdFolder, now);
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Download(hub, moved));
        Assert.Equal($"{moved}: the hub has no public repository of that name (401 RepoNotFound). Check the name; " +
                     "if the repository is private, set HF_TOKEN to an access token that can read it. " +
                     $"{moved} was deleted from the hub in September 2024; the same model lives on as {now}: download that instead.", e.Message);
    }

    [Fact]
    public async Task ARepositoryWithoutModelIndexIsNotADiffusersModel()
    {
        using var empty = new TempDir();
        using var hub = new FakeHub(empty.Path, Repo);
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Download(hub, Repo));
        Assert.Equal($"{Repo}: the repository has no model_index.json; it is not a diffusers model (or the id is misspelt).", e.Message);
    }

    [Fact]
    public async Task AMissingRevisionIsNamed()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, Repo);
        using var models = new TempDir();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<ModelLoadException>(() =>
            new HubDownloader(http, new HubDownloadOptions { BaseUrl = hub.BaseUrl, Revision = "v9" }).DownloadAsync(Repo, models.Path, null, CancellationToken.None));
        Assert.Equal($"{Repo}: the repository has no revision 'v9' (404 RevisionNotFound); check the revision.", e.Message);
    }

    /// <summary>Downloads into a throw-away models folder: for the tests where the hub refuses.</summary>
    private static async Task Download(FakeHub hub, string repo, string? token = null)
    {
        using var models = new TempDir();
        using var http = new HttpClient();
        await new HubDownloader(http, new HubDownloadOptions { BaseUrl = hub.BaseUrl, Token = token })
            .DownloadAsync(repo, models.Path, null, CancellationToken.None);
    }

    [Theory]
    [InlineData("no-slash")]
    [InlineData("../etc/passwd")]
    [InlineData("a/..")]
    public void RepositoryIdsMustBeOwnerSlashName(string repo)
    {
        var e = Assert.Throws<ArgumentException>(() => HubDownloader.TargetFolder(repo, "/models"));
        Assert.Equal($"'{repo}' is not a Hugging Face repository id (owner/name, e.g. stable-diffusion-v1-5/stable-diffusion-v1-5).", e.Message);
    }
}
