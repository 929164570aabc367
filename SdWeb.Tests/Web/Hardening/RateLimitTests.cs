using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>
/// The per-user submission limit on the real app: a burst beyond it is refused with 429 and Retry-After, and stores nothing.
/// Runs in the app collection so that two in-process engines never compete for the two cores.
/// </summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class RateLimitTests
{
    [Fact]
    public async Task SubmittingFasterThanThePerUserLimitGets429WithRetryAfterAndStoresNothing()
    {
        await using var app = new EngineHostApp(submissionBurst: 2);
        var admin = await app.AdminAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await EngineHostApp.SubmitAsync(admin, "one")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await EngineHostApp.SubmitAsync(admin, "two")).StatusCode);

        var refused = await EngineHostApp.SubmitAsync(admin, "three");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var wait = refused.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(wait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)); // one submission a minute comes back
        Assert.Contains($"You have submitted many jobs in a short time; try again in {(int)wait.TotalSeconds} s.",
            await refused.Content.ReadAsStringAsync());
        using var scope = app.Services.CreateScope();
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<AppDbContext>().Jobs.CountAsync());
    }
}
