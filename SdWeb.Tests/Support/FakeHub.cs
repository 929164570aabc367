using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SdWeb.Tests.Support;

/// <summary>
/// A stand-in for huggingface.co on 127.0.0.1: serves a folder's files as <c>/{repo}/resolve/main/{path}</c>, honours
/// Range requests and records each request's path, Range and Authorization headers. Refusals look like the real hub's
/// (huggingface_hub's hf_raise_for_status reads them): an unknown repository is 401 RepoNotFound without a token and
/// 404 RepoNotFound with one, an unknown revision 404 RevisionNotFound, a missing file 404 EntryNotFound, and a gated
/// repository 401 GatedRepo without a token and 403 GatedRepo with one whose owner has not accepted its terms.
/// </summary>
public sealed class FakeHub : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly string _repo;
    private readonly Task _loop;

    public ConcurrentQueue<(string Path, string? Range, string? Authorization)> Requests { get; } = new();

    /// <summary>A gated repository: files only for a request with <see cref="GrantedToken"/>.</summary>
    public bool Gated { get; init; }

    /// <summary>The token of an account that accepted the gated repository's terms.</summary>
    public string? GrantedToken { get; init; }

    public string BaseUrl { get; }

    public FakeHub(string root, string repo)
    {
        _root = root;
        _repo = repo;
        int port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            var path = Uri.UnescapeDataString(ctx.Request.Url!.AbsolutePath);
            Requests.Enqueue((path, ctx.Request.Headers["Range"], ctx.Request.Headers["Authorization"]));
            try { await RespondAsync(ctx, path); }
            catch (HttpListenerException) { /* client went away */ }
            finally { ctx.Response.Close(); }
        }
    }

    private async Task RespondAsync(HttpListenerContext ctx, string path)
    {
        var authorization = ctx.Request.Headers["Authorization"];
        var repoPrefix = $"/{_repo}/resolve/";
        if (!path.StartsWith(repoPrefix, StringComparison.Ordinal))
        {
            Refuse(ctx, authorization is null ? 401 : 404, "RepoNotFound", "Repository not found");
            return;
        }
        if (Gated && authorization != $"Bearer {GrantedToken}")
        {
            Refuse(ctx, authorization is null ? 401 : 403, "GatedRepo",
                $"Access to model {_repo} is restricted. You must have access to it and be authenticated to access it. Please log in.");
            return;
        }
        var mainPrefix = repoPrefix + "main/";
        if (!path.StartsWith(mainPrefix, StringComparison.Ordinal))
        {
            Refuse(ctx, 404, "RevisionNotFound", "Invalid rev id");
            return;
        }
        var file = Path.Combine(_root, path[mainPrefix.Length..]);
        if (!File.Exists(file))
        {
            Refuse(ctx, 404, "EntryNotFound", "Entry not found");
            return;
        }

        var bytes = await File.ReadAllBytesAsync(file);
        long start = 0;
        if (ctx.Request.Headers["Range"] is { } range && range.StartsWith("bytes=") && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1]);
            if (start >= bytes.Length) { ctx.Response.StatusCode = 416; return; }
            ctx.Response.StatusCode = 206;
            ctx.Response.AddHeader("Content-Range", $"bytes {start}-{bytes.Length - 1}/{bytes.Length}");
        }
        ctx.Response.ContentLength64 = bytes.Length - start;
        await ctx.Response.OutputStream.WriteAsync(bytes.AsMemory((int)start));
    }

    private static void Refuse(HttpListenerContext ctx, int status, string errorCode, string errorMessage)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.AddHeader("X-Error-Code", errorCode);
        ctx.Response.AddHeader("X-Error-Message", errorMessage);
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
