using System.Net;
using System.Net.Sockets;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>
/// The load balancer in front of the web nodes, as small as a test needs: it listens on a free 127.0.0.1 port and
/// forwards each TCP connection, byte for byte, to the first backend that accepts it — the first node while it is up, then
/// the next. A connection stays on the node it reached (a browser's requests and its circuit's WebSocket with it); when
/// that node dies, the proxy closes the connection to the browser and the next one goes to the other node.
/// </summary>
public sealed class FailoverProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri[] _backends;
    private readonly int[] _connections;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _forwarding = [];
    private readonly Task _accepting;

    public FailoverProxy(params Uri[] backends)
    {
        _backends = backends;
        _connections = new int[backends.Length];
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync(_stopping.Token);
    }

    /// <summary>The address the browser uses instead of a node's.</summary>
    public string Url { get; }

    /// <summary>How many connections were forwarded to the backend at <paramref name="index"/> so far.</summary>
    public int ConnectionsTo(int index) => Volatile.Read(ref _connections[index]);

    private async Task AcceptAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(stopping);
                lock (_forwarding) _forwarding.Add(ForwardAsync(client, stopping));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopped
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken stopping)
    {
        using (client)
        {
            using var backend = await ConnectAsync(stopping);
            if (backend is null) return; // no node up: the browser sees the connection close, as behind a real balancer
            var browserSide = client.GetStream();
            var nodeSide = backend.GetStream();
            // Whichever side ends first (the browser closes, the node dies) ends the pair: disposing both closes the other.
            await Task.WhenAny(CopyAsync(browserSide, nodeSide, stopping), CopyAsync(nodeSide, browserSide, stopping));
        }
    }

    private async Task<TcpClient?> ConnectAsync(CancellationToken stopping)
    {
        for (var i = 0; i < _backends.Length; i++)
        {
            var backend = new TcpClient();
            try
            {
                await backend.ConnectAsync(_backends[i].Host, _backends[i].Port, stopping);
                Interlocked.Increment(ref _connections[i]);
                return backend;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                backend.Dispose(); // refused: that node is down, try the next
                if (stopping.IsCancellationRequested) return null;
            }
        }
        return null;
    }

    private static async Task CopyAsync(NetworkStream from, NetworkStream to, CancellationToken stopping)
    {
        try
        {
            await from.CopyToAsync(to, stopping);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the connection broke (a killed node resets it) or the proxy stops: either way this pair is over
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] forwarding;
        lock (_forwarding) forwarding = [.. _forwarding];
        await Task.WhenAll(forwarding);
        _stopping.Dispose();
    }
}
