using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SdWeb.Tests.Support;

/// <summary>
/// A stand-in for huggingface.co on 127.0.0.1: serves a folder's files as <c>/{repo}/resolve/{rev}/{path}</c>,
/// honours Range requests and records each request's path, Range and Authorization headers.
/// </summary>
public sealed class FakeHub : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _root;
    private readonly string _repo;
    private readonly Task _loop;

    public ConcurrentQueue<(string Path, string? Range, string? Authorization)> Requests { get; } = new();

    /// <summary>Respond with this status to every request (e.g. 401), instead of serving files.</summary>
    public HttpStatusCode? ForcedStatus { get; set; }

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
        var prefix = $"/{_repo}/resolve/main/";
        var file = path.StartsWith(prefix) ? Path.Combine(_root, path[prefix.Length..]) : null;
        if (ForcedStatus is { } forced) { ctx.Response.StatusCode = (int)forced; return; }
        if (file is null || !File.Exists(file)) { ctx.Response.StatusCode = 404; return; }

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

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
