using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SdWeb.Tests.Web.Support;

/// <summary>
/// A throwaway redis-server this test owns, on a free 127.0.0.1 port, so it can be stopped and started again on the same
/// port (Redis down, then back). Needs /usr/bin/redis-server (Debian's redis-server); without it, says so.
/// </summary>
public sealed class TestRedisServer : IDisposable
{
    public const string Binary = "/usr/bin/redis-server";

    private Process? _process;

    public TestRedisServer()
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"These tests need Redis: install it (apt-get install redis-server) so {Binary} exists.");
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Start();
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string to this server.</summary>
    public string Connection => $"127.0.0.1:{Port}";

    /// <summary>Starts the server and returns once it accepts connections.</summary>
    public void Start()
    {
        _process = Process.Start(new ProcessStartInfo(Binary,
            ["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no"])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Kills the server (as a crash would) and waits until it is gone.</summary>
    public void Kill()
    {
        if (_process is null) return;
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();
}
