using System.Diagnostics;
using Npgsql;
using SdWeb.Tests.Web.EndToEnd;

namespace SdWeb.Tests.Web.Support;

/// <summary>
/// The PostgreSQL server the tests use: the one in <c>SDWEB_TEST_POSTGRES</c> (.ci/run and
/// <c>source scripts/test-services.sh start</c> set it), else a throwaway one this test run starts with that script
/// (PostgreSQL's binaries must be installed) and stops when it ends. With neither, a test that needs it fails saying so.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "SDWEB_TEST_POSTGRES";

    private static readonly Lazy<string> Server = new(Find, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A connection string to the server's maintenance database, as a user who may create databases.</summary>
    public static string AdminConnection => Server.Value;

    /// <summary>The same server and user, on <paramref name="database"/>.</summary>
    public static string On(string database) => new NpgsqlConnectionStringBuilder(AdminConnection) { Database = database }.ConnectionString;

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured) return configured;
        var script = Path.Combine(RepositoryRoot.Path, "scripts", "test-services.sh");
        var start = Process.Start(new ProcessStartInfo("bash", [script, "env"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = start.StandardOutput.ReadToEnd();
        var error = start.StandardError.ReadToEnd();
        start.WaitForExit();
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"These tests need PostgreSQL: set {Variable} to a connection string of a server where the user may create databases " +
                $"(`source scripts/test-services.sh start` starts one), or install PostgreSQL (apt-get install postgresql) so the " +
                $"tests start a throwaway server themselves. Starting one failed: {error.Trim()}");
        }
        var exports = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line["export ".Length..].Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1].Trim('\''));
        var folder = exports["SDWEB_TEST_SERVICES"];
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Process.Start("bash", [script, "stop", folder])?.WaitForExit();
        return exports[Variable];
    }
}
