using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SdWeb.Tests.Web.ModelFiles;

/// <summary>
/// A plain file server on 127.0.0.1 for download tests: serves one file at <c>/files/{name}</c> (404 elsewhere), honours
/// <c>Range: bytes=N-</c> with 206 and Content-Range, records each request's Range header, and can drop the first
/// connection after some bytes, as a network failure does.
/// </summary>
public sealed class RangeFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _content;
    private readonly string _name;
    private readonly Task _loop;
    private int _dropsLeft;

    public RangeFileServer(string file, int dropFirstResponsesAfter = 0, int drops = 0)
    {
        _content = File.ReadAllBytes(file);
        _name = Path.GetFileName(file);
        DropAfter = dropFirstResponsesAfter;
        _dropsLeft = drops;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    /// <summary>The file's URL.</summary>
    public string Url => $"{BaseUrl}/files/{_name}";

    /// <summary>Bytes a dropped response sends before the connection is cut.</summary>
    public int DropAfter { get; }

    /// <summary>Each request's Range header (null: none), in order.</summary>
    public ConcurrentQueue<string?> Ranges { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            _ = Task.Run(() => RespondAsync(ctx));
        }
    }

    private async Task RespondAsync(HttpListenerContext ctx)
    {
        try
        {
            var range = ctx.Request.Headers["Range"];
            Ranges.Enqueue(range);
            if (ctx.Request.Url!.AbsolutePath != $"/files/{_name}")
            {
                ctx.Response.StatusCode = 404;
                ctx.Response.Close();
                return;
            }
            long start = 0;
            if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            {
                start = long.Parse(range["bytes=".Length..^1]);
                if (start >= _content.Length)
                {
                    ctx.Response.StatusCode = 416;
                    ctx.Response.Close();
                    return;
                }
                ctx.Response.StatusCode = 206;
                ctx.Response.AddHeader("Content-Range", $"bytes {start}-{_content.Length - 1}/{_content.Length}");
            }
            ctx.Response.ContentLength64 = _content.Length - start;
            if (Interlocked.Decrement(ref _dropsLeft) >= 0)
            {
                await ctx.Response.OutputStream.WriteAsync(_content.AsMemory((int)start, DropAfter));
                await ctx.Response.OutputStream.FlushAsync();
                ctx.Response.Abort(); // the connection breaks mid-file
                return;
            }
            await ctx.Response.OutputStream.WriteAsync(_content.AsMemory((int)start));
            ctx.Response.Close();
        }
        catch (HttpListenerException)
        {
            // the client went away
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
