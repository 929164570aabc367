using System.Security.Cryptography;
using SdWeb.ModelFiles;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.ModelFiles;

/// <summary>Real HTTP downloads from a local server into the models folder: resumed, verified, refused.</summary>
[Layer(Layer.Web)]
public sealed class ModelDownloadsTests : IDisposable
{
    private static readonly string LoraFile = Golden.PathOf("features", "lora", "tiny-detail.safetensors");

    private readonly ModelFilesBed _bed = new();

    /// <summary>The golden file's own SHA-256, computed here, independent of the app.</summary>
    private static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private async Task<ModelDownload> DownloadAsync(ModelDownloadRequest request)
    {
        var download = _bed.Downloads.Start(request);
        await _bed.Downloads.WhenEndedAsync(download.Id);
        return download;
    }

    [Fact]
    public async Task ADroppedConnectionIsResumedWithARangeRequestAndTheVerifiedFileIsInstalled()
    {
        using var server = new RangeFileServer(LoraFile, dropFirstResponsesAfter: 100_000, drops: 1);

        var download = await DownloadAsync(new ModelDownloadRequest { Kind = ModelKind.Lora, Url = server.Url, Sha256 = Sha256Of(LoraFile) });

        Assert.True(download.State == DownloadState.Completed, download.Error);
        var installed = Path.Combine(_bed.Networks.LoraFolder, "tiny-detail.safetensors");
        Assert.Equal(Sha256Of(LoraFile), Sha256Of(installed));
        var ranges = server.Ranges.ToList();
        Assert.Null(ranges[0]);
        Assert.Matches(@"^bytes=[1-9]\d*-$", Assert.Single(ranges.Skip(1)));
        Assert.False(File.Exists(installed + ModelDownloads.PartialSuffix));
        Assert.Contains(_bed.Networks.Loras(), l => l.Name == "tiny-detail"); // usable without a restart
    }

    [Fact]
    public async Task StartingAgainAfterARestartContinuesThePartialFile()
    {
        using var server = new RangeFileServer(LoraFile);
        var folder = Directory.CreateDirectory(_bed.Networks.LoraFolder).FullName;
        File.WriteAllBytes(Path.Combine(folder, "detail.safetensors" + ModelDownloads.PartialSuffix), File.ReadAllBytes(LoraFile)[..5000]);

        var download = await DownloadAsync(new ModelDownloadRequest
        {
            Kind = ModelKind.Lora, Url = server.Url, Sha256 = Sha256Of(LoraFile), FileName = "detail.safetensors",
        });

        Assert.True(download.State == DownloadState.Completed, download.Error);
        Assert.Equal(["bytes=5000-"], server.Ranges);
        Assert.Equal(File.ReadAllBytes(LoraFile), File.ReadAllBytes(Path.Combine(folder, "detail.safetensors")));
    }

    [Fact]
    public async Task AWrongSha256FailsAndInstallsNothing()
    {
        using var server = new RangeFileServer(LoraFile);

        var download = await DownloadAsync(new ModelDownloadRequest { Kind = ModelKind.Lora, Url = server.Url, Sha256 = new string('0', 64) });

        Assert.Equal(DownloadState.Failed, download.State);
        Assert.Contains($"SHA-256 is {Sha256Of(LoraFile)}, not the expected {new string('0', 64)}", download.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_bed.Networks.LoraFolder));
        Assert.Empty(_bed.Networks.Loras());
    }

    [Fact]
    public async Task AMissingFileFailsSayingSo()
    {
        using var server = new RangeFileServer(LoraFile);

        var download = await DownloadAsync(new ModelDownloadRequest
        {
            Kind = ModelKind.Lora, Url = server.BaseUrl + "/files/missing.safetensors", Sha256 = Sha256Of(LoraFile),
        });

        Assert.Equal(DownloadState.Failed, download.State);
        Assert.Contains("404 Not Found", download.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_bed.Networks.LoraFolder) && Directory.EnumerateFiles(_bed.Networks.LoraFolder).Any());
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/x.safetensors", "../../evil.safetensors", "not a plain file name")]
    [InlineData("http://127.0.0.1:1/x.safetensors", "sub/evil.safetensors", "not a plain file name")]
    [InlineData("http://127.0.0.1:1/x.safetensors", "..\\evil.safetensors", "not a plain file name")]
    [InlineData("http://127.0.0.1:1/%2E%2E%2Fevil.safetensors", null, "not a plain file name")]
    [InlineData("http://127.0.0.1:1/model.ckpt", null, "not a .safetensors file")]
    [InlineData("file:///etc/passwd", null, "http:// or https:// URL")]
    [InlineData("ftp://example.com/x.safetensors", null, "http:// or https:// URL")]
    public void UnsafeNamesAndUrlsAreRefusedBeforeAnythingIsFetched(string url, string? fileName, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => _bed.Downloads.Start(new ModelDownloadRequest
        {
            Kind = ModelKind.Lora, Url = url, Sha256 = new string('a', 64), FileName = fileName,
        }));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Empty(_bed.Downloads.All());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_bed.Options.ModelsPath, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void AUrlWithoutAValidSha256IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => _bed.Downloads.Start(new ModelDownloadRequest
        {
            Kind = ModelKind.Lora, Url = "http://127.0.0.1:1/x.safetensors", Sha256 = "abc",
        }));

        Assert.Contains("SHA-256 (64 hex digits", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHuggingFaceRepositoryDownloadsFromTheConfiguredEndpointAndIsListedAtOnce()
    {
        using var hub = new FakeHub(Golden.TinySdFolder, "test-org/tiny-sd");
        using var bed = new ModelFilesBed(huggingFaceEndpoint: hub.BaseUrl);

        var download = bed.Downloads.Start(new ModelDownloadRequest { Repository = "test-org/tiny-sd" });
        await bed.Downloads.WhenEndedAsync(download.Id);

        Assert.True(download.State == DownloadState.Completed, download.Error);
        Assert.Contains("tiny-sd", bed.Library.Names());
        var weights = Path.Combine("unet", "diffusion_pytorch_model.safetensors");
        Assert.Equal(Sha256Of(Path.Combine(Golden.TinySdFolder, weights)), Sha256Of(Path.Combine(bed.Options.ModelsPath, "tiny-sd", weights)));
    }

    public void Dispose() => _bed.Dispose();
}
