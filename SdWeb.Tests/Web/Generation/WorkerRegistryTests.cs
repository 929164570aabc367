using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class WorkerRegistryTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task WorkersAdvertiseTheirModelsDeviceAndMemoryAndDropOutWhenNotSeenForALease(DatabaseProvider provider)
    {
        using var database = await TestDatabase.CreateAsync(provider);
        var clock = new SettableClock(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var registry = new WorkerRegistry(database, ClaimSettings.Default, clock);
        await registry.AdvertiseAsync(new WorkerAdvert("gpu-1", "box-a", "cuda:0", ["model-a"], 8_000_000_000), CancellationToken.None);
        await registry.AdvertiseAsync(new WorkerAdvert("gpu-2", "box-b", "cuda:1", ["model-a", "model-b"], 2_000_000_000), CancellationToken.None);

        clock.Now = clock.Now.AddSeconds(45);
        await registry.AdvertiseAsync(new WorkerAdvert("gpu-2", "box-b", "cuda:1", ["model-b"], 1_500_000_000), CancellationToken.None);
        var seen = await registry.LiveAsync(CancellationToken.None);
        Assert.Equal(["gpu-1", "gpu-2"], seen.Select(w => w.Id));
        var second = seen[1];
        Assert.Equal(("box-b", "cuda:1", 1_500_000_000L), (second.Host, second.Device, second.FreeMemoryBytes));
        Assert.Equal((clock.Now.UtcDateTime.AddSeconds(-45), clock.Now.UtcDateTime), (second.StartedAt, second.LastSeenAt));
        Assert.Equal(["model-a", "model-b"], (await registry.RunnableModelsAsync(CancellationToken.None)).Order());

        clock.Now = clock.Now.AddSeconds(30); // gpu-1 last seen 75 s ago: longer than a lease
        Assert.Equal(["gpu-2"], (await registry.LiveAsync(CancellationToken.None)).Select(w => w.Id));
        Assert.Equal(["model-b"], await registry.RunnableModelsAsync(CancellationToken.None));

        await registry.RemoveAsync("gpu-2", CancellationToken.None);
        Assert.Empty(await registry.LiveAsync(CancellationToken.None));
    }
}
