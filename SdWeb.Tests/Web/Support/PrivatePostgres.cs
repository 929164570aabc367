using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Support;

/// <summary>
/// A PostgreSQL server of one test's own (initdb and pg_ctl on a temp folder and a free port, set up as
/// scripts/test-services.sh sets up the shared one), so the test may restart it without disturbing the tests that share
/// <see cref="TestPostgres"/>. Stopped and deleted on dispose, however the test ended. As root the cluster belongs to
/// the `postgres` user, as PostgreSQL refuses to run as root.
/// </summary>
public sealed class PrivatePostgres : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _bin;
    private readonly int _port;

    private PrivatePostgres(string bin, int port)
    {
        _bin = bin;
        _port = port;
    }

    /// <summary>A connection string to the server's maintenance database as a user who may create databases.</summary>
    public string AdminConnection => $"Host=127.0.0.1;Port={_port};Username=sdweb;Database=postgres";

    private string DataDir => _dir["pg"];

    public static PrivatePostgres Start()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderBy(b => int.Parse(Path.GetFileName(Path.GetDirectoryName(b))!, CultureInfo.InvariantCulture)).LastOrDefault()
            : null;
        if (bin is null) throw new InvalidOperationException("This test needs PostgreSQL's binaries (apt-get install postgresql): no /usr/lib/postgresql/*/bin/initdb.");
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new PrivatePostgres(bin, port);
        try
        {
            if (Environment.UserName == "root") Run("chown", "postgres:", server._dir.Path);
            server.RunPg("initdb", "-D", server.DataDir, "-U", "sdweb", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8");
            server.RunPg("pg_ctl", "-D", server.DataDir, "-l", server._dir["pg.log"], "-w", "-o",
                $"-c listen_addresses=127.0.0.1 -p {port} -k {server._dir.Path} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                "start");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>pg_ctl restart -m fast</c>: every session is ended (their statements rolled back), the server stops and comes
    /// back on the same port; returns once it accepts connections again.
    /// </summary>
    public void Restart()
    {
        RunPg("pg_ctl", "-D", DataDir, "-l", _dir["pg.log"], "-w", "-m", "fast", "restart");
        NpgsqlConnection.ClearAllPools(); // this process's pooled connections died with the old server (the apps' are theirs to mend)
    }

    /// <summary>The server's log, for failure messages.</summary>
    public string Log => File.Exists(_dir["pg.log"]) ? File.ReadAllText(_dir["pg.log"]) : "";

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDir, "postmaster.pid")))
        {
            try { RunPg("pg_ctl", "-D", DataDir, "-m", "immediate", "stop"); }
            catch (InvalidOperationException) { /* already gone */ }
        }
        _dir.Dispose();
    }

    private void RunPg(string tool, params string[] args)
    {
        var path = Path.Combine(_bin, tool);
        if (Environment.UserName == "root") Run("runuser", ["-u", "postgres", "--", path, .. args]);
        else Run(path, args);
    }

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {output.Result}{error}");
    }
}
