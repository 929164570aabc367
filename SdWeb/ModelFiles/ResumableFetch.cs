using System.Net;
using System.Net.Http.Headers;

namespace SdWeb.ModelFiles;

/// <summary>
/// Fetches one URL into a partial file, continuing the bytes already there with an HTTP Range request; a dropped
/// connection or a server error is retried from where it stopped, a few times, before the download fails (and can be
/// resumed later, even after a restart, since the partial file stays).
/// </summary>
internal sealed class ResumableFetch(HttpClient http, ILogger logger)
{
    public const int Attempts = 4;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task FetchAsync(Uri url, string partial, ModelDownload download, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await FetchOnceAsync(url, partial, download, ct);
                return;
            }
            catch (DownloadFailure e) when (e.Retryable && attempt < Attempts)
            {
                logger.LogWarning("Download of {Url} interrupted ({Reason}); resuming (attempt {Attempt} of {Attempts})", url, e.Message, attempt + 1, Attempts);
                await Task.Delay(RetryDelay, ct);
            }
        }
    }

    private async Task FetchOnceAsync(Uri url, string partial, ModelDownload download, CancellationToken ct)
    {
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await SendAsync(request, url, ct);

        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            download.Began(have, have); // the partial file already holds everything; the hash check tells
            return;
        }
        if (!response.IsSuccessStatusCode) throw Refused(response, url);

        // A server that ignores Range (200), or answers another range, sends the whole file again.
        bool resumed = response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == have;
        if (!resumed) have = 0;
        long? total = resumed ? response.Content.Headers.ContentRange?.Length ?? response.Content.Headers.ContentLength + have
            : response.Content.Headers.ContentLength;
        download.Began(have, total);

        await using var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using var input = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[1 << 16];
        while (true)
        {
            int n;
            try { n = await input.ReadAsync(buffer, ct); }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new DownloadFailure($"The connection to {url.Host} broke after {have:N0} bytes ({e.Message}); Resume continues from there.", retryable: true, e);
            }
            if (n == 0) break;
            try { await output.WriteAsync(buffer.AsMemory(0, n), ct); }
            catch (IOException e)
            {
                throw new DownloadFailure($"Writing {Path.GetFileName(partial)} failed after {have:N0} bytes: {e.Message}. " +
                                          "If the disk is full, free space and press Resume: the bytes downloaded so far are kept.", inner: e);
            }
            have += n;
            download.Progressed(have);
        }
        if (total is { } expected && have < expected)
            throw new DownloadFailure($"{url.Host} sent {have:N0} of {expected:N0} bytes; Resume continues from there.", retryable: true);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Uri url, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new DownloadFailure($"Could not reach {url.Host}: {e.Message}", retryable: true, e);
        }
    }

    private static DownloadFailure Refused(HttpResponseMessage response, Uri url)
    {
        int status = (int)response.StatusCode;
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => new($"{url.Host} has no file at {url.AbsolutePath} (404 Not Found); check the URL."),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                new($"{url.Host} refused the file ({status} {response.ReasonPhrase}); it may need a login, which direct downloads cannot give. Use a public link."),
            _ => new($"{url.Host} answered {status} {response.ReasonPhrase}.", retryable: status >= 500),
        };
    }
}
