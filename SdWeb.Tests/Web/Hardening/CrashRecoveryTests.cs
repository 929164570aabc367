using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Tests.Web.EndToEnd;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>
/// The real app as its own process, killed with SIGKILL while the engine is busy, then started again on the same data
/// folder: nothing a user was told about is lost, and files and rows still match.
/// </summary>
[Collection(LiveAppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class CrashRecoveryTests
{
    private const int LongSteps = 60; // several seconds on the tiny model, so the kill lands mid-run

    [Fact]
    public async Task AfterAKillMidRunEveryAcceptedJobCompletesAndFilesMatchRows()
    {
        using var team = new LiveTeam();
        var jobs = new List<(string User, Guid Id)>();
        Guid interrupted;
        using (var app = await team.StartAsync())
        {
            var clients = await team.CreateAccountsAsync(app, ["alice", "bob"]);
            jobs.Add(("alice", await LiveTeam.SubmitAsync(clients["alice"], "a quick fox", 2, 1)));
            jobs.Add(("alice", await LiveTeam.SubmitAsync(clients["alice"], "a slow lighthouse", LongSteps, 2)));
            for (var i = 0; i < 3; i++)
            {
                jobs.Add(("bob", await LiveTeam.SubmitAsync(clients["bob"], $"bob's boat {i}", 2, 10 + i)));
                jobs.Add(("alice", await LiveTeam.SubmitAsync(clients["alice"], $"alice's tree {i}", 2, 20 + i)));
            }
            interrupted = jobs[1].Id;
            await WaitForAsync(clients["alice"], interrupted, s => s.Status == "Running", app);
        } // SIGKILL

        await using (var db = team.OpenDatabase())
        {
            // Every accepted job was stored before the 202; the long one was running when the process died.
            var stored = await db.Jobs.AsNoTracking().ToDictionaryAsync(j => j.Id);
            Assert.All(jobs, j => Assert.True(stored.ContainsKey(j.Id), $"accepted job {j.Id} is not in the database"));
            Assert.Equal(JobStatus.Running, stored[interrupted].Status);
            Assert.Equal(JobStatus.Succeeded, stored[jobs[0].Id].Status);
        }

        using (var app = await team.StartAsync())
        {
            var alice = await team.LogInAsync(app, "alice");
            var bob = await team.LogInAsync(app, "bob");
            // The start-up sweep found no orphan: the kill left at most an unfinished temp file, which it removed.
            var sweep = await (await team.LogInAsync(app, LiveTeam.Admin)).GetFromJsonAsync<JsonElement>("/api/admin/storage");
            Assert.Equal(0, sweep.GetProperty("filesWithoutRows").GetArrayLength());
            Assert.Equal(0, sweep.GetProperty("rowsWithoutFiles").GetArrayLength());
            foreach (var (user, id) in jobs)
            {
                var client = user == "alice" ? alice : bob;
                await WaitForAsync(client, id, s => s.Finished, app);
                var state = await LiveTeam.ReadAsync(client, id);
                Assert.True(state.Status == "Succeeded" || (state.Status == "Failed" && !string.IsNullOrWhiteSpace(state.Error)),
                    $"job {id}: {state.Status} {state.Error}");
                if (state.Status == "Succeeded") Assert.Single(state.ImageIds);
            }
        }

        await using (var db = team.OpenDatabase())
        {
            var stored = await db.Jobs.AsNoTracking().ToListAsync();
            var rerun = stored.Single(j => j.Id == interrupted);
            Assert.Equal((JobStatus.Succeeded, 2), (rerun.Status, rerun.Attempts)); // re-queued once, then it ran through
            // Jobs still waiting at the kill ran after the restart in their order, per user.
            foreach (var user in stored.GroupBy(j => j.UserId))
                Assert.Equal(user.OrderBy(j => j.Sequence).Select(j => j.Id), user.OrderBy(j => j.StartedAt).Select(j => j.Id));
            Assert.Equal(jobs.Count, await db.Images.CountAsync());
        }
        var (onDisk, inRows) = await team.ImageFilesAsync();
        Assert.Equal(inRows, onDisk); // no file without a row, no row without a file, no temp file left
    }

    [Fact]
    public async Task AJobRunningAtTwoKillsInARowIsNotTriedAThirdTimeAndSaysWhy()
    {
        using var team = new LiveTeam();
        Guid doomed, after;
        using (var app = await team.StartAsync())
        {
            var clients = await team.CreateAccountsAsync(app, ["carol"]);
            doomed = await LiveTeam.SubmitAsync(clients["carol"], "a job that never gets to finish", LongSteps, 5);
            after = await LiveTeam.SubmitAsync(clients["carol"], "the next one", 2, 6);
            await WaitForAsync(clients["carol"], doomed, s => s.Status == "Running", app);
        }
        using (var app = await team.StartAsync())
        {
            var carol = await team.LogInAsync(app, "carol");
            await WaitForAsync(carol, doomed, s => s.Status == "Running", app);
        }
        using (var app = await team.StartAsync())
        {
            var carol = await team.LogInAsync(app, "carol");
            var failed = await LiveTeam.ReadAsync(carol, doomed);
            Assert.Equal(("Failed", GenerationWorker.InterruptedTwice), (failed.Status, failed.Error));
            await WaitForAsync(carol, after, s => s.Finished, app);
            Assert.Equal("Succeeded", (await LiveTeam.ReadAsync(carol, after)).Status);
        }
        var (onDisk, inRows) = await team.ImageFilesAsync();
        Assert.Equal(inRows, onDisk);
        Assert.Equal(2, inRows.Count); // the one image of the job after it, and its thumbnail
    }

    /// <summary>Polls until the job is in the state; fails with the app's output after five minutes (CI machines are slow).</summary>
    internal static async Task WaitForAsync(HttpClient client, Guid job, Func<JobState, bool> condition, AppProcess app, int pollMilliseconds = 100)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        JobState state;
        while (!condition(state = await LiveTeam.ReadAsync(client, job)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {job} is still {state.Status} after 5 minutes. App output:\n{app.Output}");
            await Task.Delay(pollMilliseconds);
        }
    }
}
