using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using SdWeb.Data;
using SdWeb.Options;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.EndToEnd;
using SdWeb.Tests.Web.Hardening;
using SdWeb.Tests.Web.Support;
using Xunit.Sdk;

namespace SdWeb.Tests.Web.Scaling;

/// <summary>
/// A person's browser on a scaled-out cluster: two web nodes without an engine and one `SdWeb worker` process on
/// PostgreSQL and Redis (the tiny model on CPU), driven through headless Chromium. The worker starts only once the page
/// shows the job waiting, so the page sees the job run from its start.
/// </summary>
[Layer(Layer.Browser)]
[Collection(LiveAppCollection.Name)]
public sealed partial class ScaledOutBrowserTests : IDisposable
{
    private const string User = "ada";
    private const string Password = "Scaled-Out-2026!";

    /// <summary>At 64×64 the tiny model's steps are quick: many of them, so the job runs for a while.</summary>
    private const int Steps = 200;

    /// <summary>Longer than the worker is held frozen while node A dies and the page comes back from node B.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly TestRedisServer _redis = new();

    [Fact]
    public async Task ABrowserOnNodeAWatchesTheProgressOfAJobSubmittedThroughNodeBAndRunByAWorkerProcess()
    {
        using var database = await DatabaseWithoutAccountsAsync();
        using var cluster = new ScaledOutCluster(database, _redis, Lease);
        var models = Models(cluster);
        var (a, b) = await StartNodesAsync(cluster, models);
        await WithOutputsAsync(cluster, async () =>
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var page = await OpenAsync(browser, a.Url);
            await AccountPages.RegisterAsync(page, User, Password);
            // Through node B with the login cookie node A made (cookies do not depend on the port).
            var jobId = await SubmitAsync(page, b.Url, steps: Steps);

            await AccountPages.OpenInteractiveAsync(page, "/generate");
            await JobCard(page, jobId, "Queued").WaitForAsync();
            // Every step count the card shows, caught as the DOM changes rather than by polling now and then.
            await page.EvaluateAsync("""
                () => {
                    const seen = window.sdwebSteps = new Set();
                    new MutationObserver(() => document.querySelectorAll('.job-card .job-step').forEach(e => seen.add(e.textContent)))
                        .observe(document.body, { subtree: true, childList: true, characterData: true });
                }
                """);
            cluster.StartWorker(models);
            var image = JobCard(page, jobId, "Succeeded").Locator(".job-image-tile");
            await image.WaitForAsync(new() { Timeout = 300_000 });

            var steps = (await page.EvaluateAsync<string[]>("() => [...window.sdwebSteps]"))
                .Select(text => StepCount().Match(text)).Where(m => m.Success)
                .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToList();
            Assert.True(steps.Count(step => step > 0) >= 2, $"node A's page showed the step counts [{string.Join(", ", steps)}]; it should follow the job");
            Assert.All(steps, step => Assert.InRange(step, 0, Steps));
            // The finished image, read by node A from the shared data folder, shows.
            await page.WaitForFunctionAsync(
                "id => { const i = document.querySelector(`.job-image-tile[data-image-id='${id}'] img`); return i?.complete && i.naturalWidth > 0; }",
                await image.GetAttributeAsync("data-image-id"));

            await using var db = database.CreateDbContext();
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            var workerId = await db.Workers.Select(w => w.Id).SingleAsync(); // the worker process is the only engine
            Assert.Equal((JobStatus.Succeeded, 1, (string?)workerId), (job.Status, job.Attempts, job.WorkerId));
        });
    }

    [Fact]
    public async Task WhenTheBrowsersNodeIsKilledThePageReloadsFromTheOtherNodeByItselfAndShowsTheJobFinishWithNothingLost()
    {
        using var database = await DatabaseWithoutAccountsAsync();
        using var cluster = new ScaledOutCluster(database, _redis, Lease);
        var models = Models(cluster);
        var (a, b) = await StartNodesAsync(cluster, models);
        await using var proxy = new FailoverProxy(new Uri(a.Url), new Uri(b.Url));
        await WithOutputsAsync(cluster, async () =>
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var page = await OpenAsync(browser, proxy.Url);
            await AccountPages.RegisterAsync(page, User, Password);
            var jobId = await SubmitAsync(page, proxy.Url, steps: Steps);
            await AccountPages.OpenInteractiveAsync(page, "/generate");
            await JobCard(page, jobId, "Queued").WaitForAsync();
            var worker = cluster.StartWorker(models);
            await JobCard(page, jobId, "Running").Locator(".job-step").WaitForAsync();

            // Frozen mid-job (its lease is a minute), the worker holds the job while node A dies and the page comes back:
            // the order of events is fixed, not raced against the job's speed.
            worker.Suspend();
            Assert.Equal(0, proxy.ConnectionsTo(1));
            await page.EvaluateAsync("() => window.sdwebBeforeFailover = true");
            a.Kill();

            // No navigation by the test: the reconnect reaches node B, which has no such circuit, and the page reloads itself.
            await page.WaitForFunctionAsync(
                "() => window.sdwebBeforeFailover === undefined && document.querySelector('main[data-interactive=true]') !== null");
            Assert.True(proxy.ConnectionsTo(1) > 0, "the reloaded page should have come from node B");
            await JobCard(page, jobId, "Running").WaitForAsync();
            worker.Resume();
            var image = JobCard(page, jobId, "Succeeded").Locator(".job-image-tile");
            await image.WaitForAsync(new() { Timeout = 300_000 });
            var imageId = await image.GetAttributeAsync("data-image-id");

            await AccountPages.OpenInteractiveAsync(page, "/gallery");
            await page.Locator($".gallery-tile[data-image-id='{imageId}']").WaitForAsync();

            // Nothing lost and nothing repeated: one start, one image, its file on the shared volume.
            await using var db = database.CreateDbContext();
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            Assert.Equal((JobStatus.Succeeded, 1), (job.Status, job.Attempts));
            var stored = await db.Images.AsNoTracking().SingleAsync(i => i.JobId == jobId);
            Assert.Equal(imageId, stored.Id.ToString());
            Assert.True(File.Exists(Path.Combine(database.Dir.Path, stored.FilePath)), $"{stored.FilePath} is missing");
        });
    }

    /// <summary>TestDatabase seeds two accounts; without them the browser registers the first account, as on a new install.</summary>
    private static async Task<TestDatabase> DatabaseWithoutAccountsAsync()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var db = database.CreateDbContext();
        await db.Users.ExecuteDeleteAsync();
        return database;
    }

    /// <summary>One models folder with the tiny model for nodes (which check a request's model) and the worker alike.</summary>
    private static string Models(ScaledOutCluster cluster) =>
        Path.GetDirectoryName(cluster.Dir.CopyFrom(Golden.TinySdFolder, Path.Combine("models", ScaledOutCluster.Model)))!;

    private static async Task<(AppProcess A, AppProcess B)> StartNodesAsync(ScaledOutCluster cluster, string models)
    {
        var nodes = await Task.WhenAll(cluster.StartNodeAsync(models), cluster.StartNodeAsync(models));
        return (nodes[0], nodes[1]);
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, string url)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = url });
        context.SetDefaultTimeout(120_000);
        return await context.NewPageAsync();
    }

    /// <summary>Submits a small, long job through the JSON API at <paramref name="site"/> with the browser's login cookie.</summary>
    private static async Task<Guid> SubmitAsync(IPage page, string site, int steps)
    {
        var response = await page.Context.APIRequest.PostAsync($"{site}/api/jobs", new()
        {
            DataObject = new { prompt = "a lighthouse at dusk", steps, width = 64, height = 64, seed = 7, model = ScaledOutCluster.Model },
        });
        Assert.True(response.Status == 202, $"{response.Status}: {await response.TextAsync()}");
        return JsonDocument.Parse(await response.TextAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private static ILocator JobCard(IPage page, Guid jobId, string status) =>
        page.Locator($".job-card[data-job-id='{jobId}'][data-status='{status}']");

    [GeneratedRegex(@"Step (\d+)/")]
    private static partial Regex StepCount();

    /// <summary>A failure carries every process's output: what happened is usually there.</summary>
    private static async Task WithOutputsAsync(ScaledOutCluster cluster, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or XunitException)
        {
            throw new InvalidOperationException($"{e.Message}\n{cluster.Output}", e);
        }
    }

    public void Dispose() => _redis.Dispose();
}
