using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Auth;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Tests.Web.Hardening;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.A1111;

/// <summary>API keys through HTTP on the real app: Bearer and Basic work on the API paths only; bad keys get 401 with a reason.</summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public sealed class ApiKeyAuthenticationTests(SdWebApp app)
{
    [Fact]
    public async Task BearerAndBasicClientsReachTheApis()
    {
        var (userId, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "keyholder");

        var bearer = ApiKeyClients.Bearer(app.NewClient(), key);
        var samplers = await bearer.GetFromJsonAsync<JsonElement>("/sdapi/v1/samplers");
        Assert.Contains(samplers.EnumerateArray(), s => s.GetProperty("name").GetString() == "Euler a");
        await HttpAnswer.AssertAsync(await bearer.GetAsync($"/api/jobs/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "No job");

        var basic = ApiKeyClients.Basic(app.NewClient(), "keyholder", key);
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync("/sdapi/v1/sd-models")).StatusCode);

        var listed = Assert.Single(await app.Services.GetRequiredService<ApiKeyService>().ListAsync(userId, CancellationToken.None));
        Assert.NotNull(listed.LastUsedAt);
    }

    [Fact]
    public async Task TheProfilePageListsTheUsersKeys()
    {
        var admin = await app.AdminAsync();
        await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(await app.UserIdAsync("admin"), "render farm", CancellationToken.None);

        var page = await admin.GetStringAsync("/profile");

        Assert.Contains("render farm", page);
        Assert.Contains("Create key", page);
    }

    [Fact]
    public async Task AKeyNeverSignsIntoThePages()
    {
        var (_, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "pagevisitor");
        var response = await ApiKeyClients.Bearer(app.NewClient(), key).GetAsync("/gallery");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task MissingWrongRevokedAndLockedKeysAreRefusedWithAReason()
    {
        var (userId, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "refused");
        var keys = app.Services.GetRequiredService<ApiKeyService>();

        await HttpAnswer.AssertAsync(await app.NewClient().GetAsync("/sdapi/v1/options"), HttpStatusCode.Unauthorized, "Send an API key");
        await HttpAnswer.AssertAsync(
            await ApiKeyClients.Bearer(app.NewClient(), key[..^2] + "xx").GetAsync("/sdapi/v1/options"), HttpStatusCode.Unauthorized, "wrong or revoked");
        await HttpAnswer.AssertAsync(
            await ApiKeyClients.Basic(app.NewClient(), "someone-else", key).GetAsync("/api/jobs/" + Guid.NewGuid()),
            HttpStatusCode.Unauthorized, "does not belong to that user name");

        var (lockedId, lockedKey) = await ApiKeyClients.UserWithKeyAsync(app.Services, "locked");
        var client = ApiKeyClients.Bearer(app.NewClient(), lockedKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/sdapi/v1/options")).StatusCode);
        using (var scope = app.Services.CreateScope())
        {
            var adminId = await app.UserIdAsync("admin");
            Assert.True((await scope.ServiceProvider.GetRequiredService<AccountAdministration>().LockAsync(adminId, lockedId)).Succeeded);
        }
        await HttpAnswer.AssertAsync(await client.GetAsync("/sdapi/v1/options"), HttpStatusCode.Unauthorized, "locked");

        var listed = Assert.Single(await keys.ListAsync(userId, CancellationToken.None));
        Assert.Null(listed.LastUsedAt); // the wrong key above did not count as a use
        Assert.True(await keys.RevokeAsync(userId, listed.Id, CancellationToken.None));
        await HttpAnswer.AssertAsync(
            await ApiKeyClients.Bearer(app.NewClient(), key).GetAsync("/sdapi/v1/options"), HttpStatusCode.Unauthorized, "wrong or revoked");
    }

    [Fact]
    public async Task AMemberCannotInterruptAnotherMembersJobButTheOwnerAndAdminsCan()
    {
        var (aliceId, aliceKey) = await ApiKeyClients.UserWithKeyAsync(app.Services, "interrupt-alice");
        var (_, bobKey) = await ApiKeyClients.UserWithKeyAsync(app.Services, "interrupt-bob");
        var cancellations = app.Services.GetRequiredService<JobCancellations>();

        // A job the worker is running: stored as Running, with its stop token registered (as the worker does).
        var jobId = await RunningJobAsync(aliceId);
        using var stop = cancellations.Register(jobId, CancellationToken.None);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await ApiKeyClients.Bearer(app.NewClient(), bobKey).PostAsync("/sdapi/v1/interrupt", null)).StatusCode);
            Assert.False(stop.IsCancellationRequested);

            Assert.Equal(HttpStatusCode.OK, (await ApiKeyClients.Bearer(app.NewClient(), aliceKey).PostAsync("/sdapi/v1/interrupt", null)).StatusCode);
            Assert.True(stop.IsCancellationRequested);
        }
        finally
        {
            cancellations.Unregister(jobId);
            await FinishAsync(jobId);
        }
    }

    [Fact]
    public async Task AMemberCannotSkipAnotherMembersImageButTheOwnerAndAdminsCan()
    {
        var (aliceId, aliceKey) = await ApiKeyClients.UserWithKeyAsync(app.Services, "skip-alice");
        var (_, bobKey) = await ApiKeyClients.UserWithKeyAsync(app.Services, "skip-bob");
        var (_, adminKey) = await ApiKeyClients.UserWithKeyAsync(app.Services, "skip-admin", isAdmin: true);
        var cancellations = app.Services.GetRequiredService<JobCancellations>();

        // A job the worker is running, making an image: registered as the executor registers them.
        var jobId = await RunningJobAsync(aliceId);
        using var job = cancellations.Register(jobId, CancellationToken.None);
        try
        {
            using var first = cancellations.RegisterImage(jobId, job.Token);
            Assert.Equal(HttpStatusCode.OK, (await ApiKeyClients.Bearer(app.NewClient(), bobKey).PostAsync("/sdapi/v1/skip", null)).StatusCode);
            Assert.False(first.IsCancellationRequested);

            Assert.Equal(HttpStatusCode.OK, (await ApiKeyClients.Basic(app.NewClient(), "skip-alice", aliceKey).PostAsync("/sdapi/v1/skip", null)).StatusCode);
            Assert.True(first.IsCancellationRequested);
            Assert.False(job.IsCancellationRequested); // skip drops the image, not the job

            using var second = cancellations.RegisterImage(jobId, job.Token);
            Assert.Equal(HttpStatusCode.OK, (await ApiKeyClients.Bearer(app.NewClient(), adminKey).PostAsync("/sdapi/v1/skip", null)).StatusCode);
            Assert.True(second.IsCancellationRequested);
            Assert.False(job.IsCancellationRequested);
        }
        finally
        {
            cancellations.Unregister(jobId);
            await FinishAsync(jobId);
        }
    }

    private async Task<Guid> RunningJobAsync(string userId)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var job = new GenerationJob { UserId = userId, Prompt = "a fox", Sampler = "euler_a", ModelName = "tiny-sd", Status = JobStatus.Running, Steps = 2, Width = 64, Height = 64 };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    private async Task FinishAsync(Guid jobId)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().Jobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Cancelled));
    }
}
