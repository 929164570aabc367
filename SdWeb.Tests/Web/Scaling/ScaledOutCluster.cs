using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.EndToEnd;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>
/// The processes of a scaled-out test: web nodes (no engine) and `SdWeb worker` processes on one PostgreSQL database and
/// one Redis of the test's, sharing a data folder, on the tiny model, on CPU; with the ways tests drive and watch them.
/// Disposing kills every process it started and deletes its folder.
/// </summary>
public sealed class ScaledOutCluster(TestDatabase database, TestRedisServer redis, TimeSpan lease) : IDisposable
{
    public const string Model = "tiny-sd";
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    private readonly List<IDisposable> _processes = [];
    private readonly List<WorkerProcess> _workers = [];

    public TempDir Dir { get; } = new();

    /// <summary>A web node on the models in <paramref name="modelsDir"/> (it checks submitted jobs against them).</summary>
    public async Task<AppProcess> StartNodeAsync(string modelsDir)
    {
        var node = await AppProcess.StartAsync(database.Dir.Path, modelsDir, TimeSpan.FromMinutes(3),
            [.. Shared, "--SdWeb:Worker:Enabled=false", "--SdWeb:SubmissionsPerMinute=1000"]);
        lock (_processes) _processes.Add(node);
        return node;
    }

    public WorkerProcess StartWorker(string modelsDir)
    {
        var worker = WorkerProcess.Start(database.Dir.Path, modelsDir, Shared);
        lock (_processes)
        {
            _processes.Add(worker);
            _workers.Add(worker);
        }
        return worker;
    }

    /// <summary>What every process shares; a short lease (the tests' choice) so a lost worker's job waits seconds, not a minute.</summary>
    private string[] Shared =>
        ["--SdWeb:Database=postgres", $"--SdWeb:PostgresConnection={database.PostgresConnection}", $"--SdWeb:Redis={redis.Connection}",
            $"--SdWeb:Claims:Lease={lease:c}"];

    public static HttpClient Client(AppProcess node, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(node.Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static async Task<Guid> SubmitAsync(HttpClient client, string prompt, long seed, int steps = 2, int size = 64)
    {
        var response = await client.PostAsJsonAsync("/api/jobs", new { prompt, steps, width = size, height = size, seed, model = Model });
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Accepted>())!.Id;
    }

    public static async Task<JobView> ReadAsync(HttpClient client, Guid id) => (await client.GetFromJsonAsync<JobView>($"/api/jobs/{id}"))!;

    /// <summary>Polls until <paramref name="done"/> holds; on timeout fails with the workers' output.</summary>
    public async Task WaitAsync(Func<AppDbContext, Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await using (var db = database.CreateDbContext())
                if (await done(db)) return;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not reached within {Patience}: {what}. {Output}");
            await Task.Delay(250);
        }
    }

    /// <summary>Polls a node's API until <paramref name="done"/> holds; on timeout fails with the processes' output.</summary>
    public async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not reached within {Patience}: {what}. {Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Every process's output so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_processes)
            {
                return "Processes' output:\n" + string.Join("\n-----\n", _processes.Select(p => p switch
                {
                    WorkerProcess w => $"worker {_workers.IndexOf(w) + 1}:\n{w.Output}",
                    AppProcess a => $"node {a.Url}:\n{a.Output}",
                    _ => "",
                }));
            }
        }
    }

    /// <summary>A job long enough (many steps) to be interrupted in the middle; the same request each time.</summary>
    public static async Task<Guid> AddLongJobAsync(TestDatabase database)
    {
        await using var db = database.CreateDbContext();
        var job = new GenerationJob
        {
            UserId = "alice", Prompt = "a lighthouse at dusk", Sampler = "euler_a", Steps = 150, CfgScale = 7.5, Seed = 42,
            Width = 128, Height = 128, ModelName = Model,
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    public static async Task<GenerationJob> JobAsync(TestDatabase database, Guid id)
    {
        await using var db = database.CreateDbContext();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    private sealed record Accepted(Guid Id);

    public void Dispose()
    {
        foreach (var process in _processes) process.Dispose();
        Dir.Dispose();
    }
}
