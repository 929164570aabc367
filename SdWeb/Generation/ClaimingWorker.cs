using SdWeb.Options;

namespace SdWeb.Generation;

/// <summary>
/// The engine's owner when the jobs table is the queue shared by workers in any number of processes (PostgreSQL): on
/// its own thread it claims the next job for the models in its folder (fair between users, <see cref="JobClaims"/>),
/// runs it while a <see cref="LeaseHeartbeat"/> keeps the lease, and claims again. Idle, it asks again every
/// <see cref="IdlePoll"/>, or at once when this process accepts a job. Beside it, it advertises itself (models, device)
/// every third of a lease, with its free memory (<see cref="FreeMemory"/>). A database that does not answer (a restart)
/// is asked again after a pause.
/// </summary>
public sealed class ClaimingWorker(
    JobClaims claims,
    WorkerRegistry registry,
    JobExecutor executor,
    JobCancellations cancellations,
    JobArrivals arrivals,
    IModelLibrary library,
    DemoModel demoModel,
    PipelineHost pipelines,
    SdWebOptions options,
    ClaimSettings settings,
    ILogger<ClaimingWorker> logger) : BackgroundService
{
    public static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);

    /// <summary>Unique across machines: the host, this process and a random part (a restarted process is a new worker).</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        demoModel.EnsureAnyModelOrLog(logger);
        logger.LogInformation("Worker {WorkerId} claims jobs from the shared queue", WorkerId);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Seen before it claims: a node must never show a job running on a worker the workers table does not know.
        await AdvertiseOnceAsync(stoppingToken);
        var engine = EngineThread.Start(() => RunJobs(stoppingToken), pipelines);
        await KeepAdvertisingAsync(stoppingToken);
        await engine;
        try
        {
            await registry.RemoveAsync(WorkerId, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not remove worker {WorkerId} from the workers table; it ages out", WorkerId);
        }
    }

    private async Task KeepAdvertisingAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(settings.Lease / 3);
        while (await WaitAsync(timer, stopping))
        {
            await AdvertiseOnceAsync(stopping);
        }
    }

    private async Task AdvertiseOnceAsync(CancellationToken stopping)
    {
        try
        {
            var advert = new WorkerAdvert(WorkerId, Environment.MachineName, options.Device, library.Names(), FreeMemory.Bytes(options.Device));
            await registry.AdvertiseAsync(advert, stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Worker {WorkerId} could not advertise itself; trying again", WorkerId);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void RunJobs(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // Read afresh each time: a model copied into the folder is claimed for without a restart.
                var claim = claims.ClaimNextAsync(WorkerId, library.Names(), stopping).GetAwaiter().GetResult();
                if (claim is null)
                {
                    arrivals.WaitAsync(IdlePoll, stopping).GetAwaiter().GetResult();
                    continue;
                }
                logger.LogInformation("Worker {WorkerId} claimed job {JobId} ({Model})", WorkerId, claim.JobId, claim.ModelName);
                var heartbeat = new LeaseHeartbeat(claim.JobId, WorkerId, claims, cancellations, settings, logger);
                try
                {
                    executor.RunClaimed(claim.JobId, WorkerId, stopping);
                }
                finally
                {
                    heartbeat.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Most likely the database is away; a job this worker held goes back to the queue when its lease runs out.
                logger.LogError(e, "Worker {WorkerId}: claiming or recording a job failed; trying again", WorkerId);
                stopping.WaitHandle.WaitOne(IdlePoll);
            }
        }
    }
}
