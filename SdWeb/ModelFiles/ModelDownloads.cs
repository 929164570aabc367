using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.Hub;
using SdWeb.Options;

namespace SdWeb.ModelFiles;

/// <summary>
/// The server's model downloads: each runs as a background task of its own (not tied to any page or circuit, so leaving
/// the Models page does not stop it) until it completes, fails, is cancelled or the app stops. A repository goes through
/// the engine's <see cref="HubDownloader"/>; a direct URL through <see cref="ResumableFetch"/> into a <c>.part</c> file that
/// is checked against its SHA-256 before it is renamed into its kind's folder. Everything the app lists rescans the
/// folders, so a finished download is usable at once.
/// </summary>
public sealed partial class ModelDownloads(SdWebOptions options, ModelFolders folders, IHostApplicationLifetime lifetime, TimeProvider time,
    ILogger<ModelDownloads> logger) : IDisposable
{
    public const string PartialSuffix = ".part";

    /// <summary>The file that makes a folder a diffusers model; the hub downloader puts it in place last.</summary>
    private const string ModelIndex = "model_index.json";

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ConcurrentDictionary<Guid, (ModelDownload Download, Task Task)> _downloads = new();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();

    public IReadOnlyList<ModelDownload> All() => _downloads.Values.Select(d => d.Download).ToList();

    /// <summary>Checks the request and starts it in the background.</summary>
    /// <exception cref="ArgumentException">The request cannot be downloaded; the message says why and what to do.</exception>
    public ModelDownload Start(ModelDownloadRequest request)
    {
        var download = Plan(request);
        if (All().Any(d => d.IsActive && d.Target == download.Target))
            throw new ArgumentException($"{download.Title} is being downloaded already.");
        Launch(download);
        return download;
    }

    /// <summary>Starts a failed or cancelled download again; a URL download continues its partial file.</summary>
    public void Resume(Guid id)
    {
        if (!_downloads.TryGetValue(id, out var entry) || entry.Download.IsActive) return;
        entry.Download.Restarted();
        Launch(entry.Download);
    }

    /// <summary>Stops a download and removes what it wrote so far (a failed download keeps it, for Resume).</summary>
    public void Cancel(Guid id)
    {
        if (_downloads.TryGetValue(id, out var entry)) entry.Download.Cancellation.Cancel();
    }

    /// <summary>Removes a finished, failed or cancelled download from the list.</summary>
    public void Forget(Guid id)
    {
        if (_downloads.TryGetValue(id, out var entry) && !entry.Download.IsActive) _downloads.TryRemove(id, out _);
    }

    /// <summary>Completes when the download's current run ends, however it ends.</summary>
    public Task WhenEndedAsync(Guid id) => _downloads.TryGetValue(id, out var entry) ? entry.Task : Task.CompletedTask;

    private ModelDownload Plan(ModelDownloadRequest request)
    {
        if (!string.IsNullOrWhiteSpace(request.Repository))
        {
            if (request.Kind != ModelKind.Checkpoint)
                throw new ArgumentException("A Hugging Face repository downloads as a diffusers model; for a single VAE, LoRA or embedding file give its direct URL and SHA-256.");
            var repo = request.Repository.Trim();
            var target = HubDownloader.TargetFolder(repo, options.ModelsPath);
            if (File.Exists(Path.Combine(target, ModelIndex)))
                throw new ArgumentException($"{Path.GetFileName(target)} is in the models folder already; delete it first to download it again.");
            return new ModelDownload(request with { Repository = repo }, repo, target, time);
        }
        if (!Uri.TryCreate(request.Url?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new ArgumentException("Give an http:// or https:// URL of the file (or a Hugging Face repository id).");
        if (request.Sha256?.Trim() is not { } sha256 || !Sha256Hex().IsMatch(sha256))
            throw new ArgumentException("Give the file's SHA-256 (64 hex digits, as the model's page lists it): the download is checked against it.");
        var name = DownloadFileName.For(request.FileName, url);
        var folder = Path.GetFullPath(folders.Of(request.Kind));
        var file = Path.Combine(folder, name);
        if (File.Exists(file)) throw new ArgumentException($"{name} is in {folder} already; delete it first to download it again.");
        return new ModelDownload(request with { Url = url.ToString(), Sha256 = sha256.ToLowerInvariant(), FileName = name }, name, file, time);
    }

    private void Launch(ModelDownload download)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(download.Cancellation.Token, lifetime.ApplicationStopping);
        var task = Task.Run(async () =>
        {
            using (cancellation) await RunAsync(download, cancellation.Token);
        }, CancellationToken.None);
        _downloads[download.Id] = (download, task);
    }

    private async Task RunAsync(ModelDownload download, CancellationToken ct)
    {
        logger.LogInformation("Downloading {Title} to {Target}", download.Title, download.Target);
        try
        {
            if (download.Request.Repository is { } repo) await FromHubAsync(download, repo, ct);
            else await FromUrlAsync(download, ct);
            download.Completed();
            logger.LogInformation("Downloaded {Title} to {Target}", download.Title, download.Target);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            if (download.Cancellation.IsCancellationRequested) Discard(download); // an app shutdown keeps it for a resume
            download.Cancelled();
        }
        catch (Exception e) when (e is DownloadFailure or ModelLoadException or ArgumentException)
        {
            download.Failed(e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            download.Failed($"{e.Message} Resume continues where it stopped.");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Download of {Title} failed", download.Title);
            download.Failed($"The download failed unexpectedly: {e.Message}");
        }
        if (download.State == DownloadState.Failed) logger.LogWarning("Download of {Title} failed: {Error}", download.Title, download.Error);
    }

    private async Task FromUrlAsync(ModelDownload download, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(download.Target)!);
        var partial = download.Target + PartialSuffix;
        await new ResumableFetch(_http, logger).FetchAsync(new Uri(download.Request.Url!), partial, download, ct);

        download.Verifying();
        string actual;
        await using (var stream = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true))
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
        if (actual != download.Request.Sha256)
        {
            File.Delete(partial);
            throw new DownloadFailure($"The downloaded file's SHA-256 is {actual}, not the expected {download.Request.Sha256}: " +
                                      "it was deleted and nothing was installed. Check the URL and the hash.");
        }
        File.Move(partial, download.Target);
    }

    private async Task FromHubAsync(ModelDownload download, string repo, CancellationToken ct)
    {
        var hub = new HubDownloader(_http, new HubDownloadOptions
        {
            BaseUrl = options.HuggingFaceEndpoint ?? Environment.GetEnvironmentVariable("HF_ENDPOINT") ?? new HubDownloadOptions().BaseUrl,
            Token = Environment.GetEnvironmentVariable("HF_TOKEN"),
        });
        string? file = null;
        await hub.DownloadAsync(repo, options.ModelsPath, progress =>
        {
            if (progress.File != file)
            {
                file = progress.File;
                download.Began(progress.BytesDone, progress.BytesTotal, $"{progress.File} ({progress.FileIndex + 1} of {progress.FileCount})");
            }
            else download.Progressed(progress.BytesDone);
        }, ct);
    }

    /// <summary>What a cancelled download leaves: its partial file, or a repository folder that never became a model.</summary>
    private void Discard(ModelDownload download)
    {
        try
        {
            if (download.Request.Repository is null) File.Delete(download.Target + PartialSuffix);
            else if (Directory.Exists(download.Target) && !File.Exists(Path.Combine(download.Target, ModelIndex)))
                Directory.Delete(download.Target, recursive: true);
        }
        catch (IOException e)
        {
            logger.LogWarning("Could not remove the partial download {Target}: {Reason}", download.Target, e.Message);
        }
    }

    public void Dispose()
    {
        foreach (var (download, _) in _downloads.Values) download.Cancellation.Cancel();
        _http.Dispose();
    }
}
