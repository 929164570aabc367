using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>
/// The workers table: each worker advertises its models, device and free memory when it starts and with each heartbeat,
/// so nodes can tell which models can run anywhere; a worker not seen within a lease is gone.
/// </summary>
public sealed class WorkerRegistry(IDbContextFactory<AppDbContext> dbFactory, ClaimSettings settings, TimeProvider time)
{
    /// <summary>Records the worker (or refreshes its row) as seen now.</summary>
    public async Task AdvertiseAsync(WorkerAdvert advert, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var worker = await db.Workers.FindAsync([advert.WorkerId], cancellationToken);
        if (worker is null)
        {
            worker = new WorkerRecord { Id = advert.WorkerId, Host = advert.Host, Device = advert.Device, StartedAt = now };
            db.Workers.Add(worker);
        }
        worker.Host = advert.Host;
        worker.Device = advert.Device;
        worker.Models = advert.Models.ToList();
        worker.FreeMemoryBytes = advert.FreeMemoryBytes;
        worker.LastSeenAt = now;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The workers seen within one lease, by id.</summary>
    public async Task<IReadOnlyList<WorkerRecord>> LiveAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var since = time.GetUtcNow().UtcDateTime - settings.Lease;
        return await db.Workers.AsNoTracking().Where(w => w.LastSeenAt >= since).OrderBy(w => w.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The models some live worker can run.</summary>
    public async Task<IReadOnlySet<string>> RunnableModelsAsync(CancellationToken cancellationToken) =>
        (await LiveAsync(cancellationToken)).SelectMany(w => w.Models).ToHashSet();

    /// <summary>A worker stopping cleanly takes its row away.</summary>
    public async Task RemoveAsync(string workerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Workers.Where(w => w.Id == workerId).ExecuteDeleteAsync(cancellationToken);
    }
}
