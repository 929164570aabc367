using SdWeb.Tests.Web.EndToEnd;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>
/// How the scaled-out tests start their processes: web nodes without an engine and `SdWeb worker` processes, all on one
/// PostgreSQL database, one Redis and the database's data folder (the shared volume), plus each test's own settings.
/// </summary>
public static class ClusterProcesses
{
    /// <summary>The tiny model's name in a models folder (<c>Golden.TinySdFolder</c> copied as <c>tiny-sd</c>).</summary>
    public const string Model = "tiny-sd";

    public static Task<AppProcess> StartNodeAsync(TestDatabase database, string redis, string modelsDir, params string[] settings) =>
        AppProcess.StartAsync(database.Dir.Path, modelsDir, TimeSpan.FromMinutes(3),
            [.. Shared(database, redis), "--SdWeb:Worker:Enabled=false", "--SdWeb:SubmissionsPerMinute=1000", .. settings]);

    public static WorkerProcess StartWorker(TestDatabase database, string redis, string modelsDir, params string[] settings) =>
        WorkerProcess.Start(database.Dir.Path, modelsDir, [.. Shared(database, redis), .. settings]);

    private static string[] Shared(TestDatabase database, string redis) => [.. database.AppArguments, $"--SdWeb:Redis={redis}"];
}
