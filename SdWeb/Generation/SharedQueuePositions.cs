using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>
/// Scaled out, every web node reads the waiting jobs' places from the jobs table itself, in the order claims take them
/// (<see cref="JobClaims.WaitingAsync"/>): once a second, and at once after this node accepted or withdrew a job. It
/// publishes the places that changed to its own watchers; places do not travel through Redis (each node has them).
/// </summary>
public sealed class SharedQueuePositions(JobClaims claims, JobNotifier notifier, ILogger<SharedQueuePositions> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Doorbell _changed = new();
    private Dictionary<Guid, int> _published = [];
    private bool _failing;

    /// <summary>The order changed here: read it now rather than at the next tick.</summary>
    public void Refresh() => _changed.Ring();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishAsync(stoppingToken);
                _failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is away (a restart): places stay as they were and are read again at the next tick.
                if (!_failing) logger.LogWarning(e, "Could not read the queue's order; trying again");
                _failing = true;
            }
            try
            {
                await _changed.WaitAsync(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads the order once and publishes every place that changed since the last read.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var waiting = await claims.WaitingAsync(cancellationToken);
        var places = new Dictionary<Guid, int>(waiting.Count);
        for (var i = 0; i < waiting.Count; i++)
        {
            var (jobId, userId, place) = (waiting[i].JobId, waiting[i].UserId, i + 1);
            places[jobId] = place;
            if (_published.GetValueOrDefault(jobId) != place)
                notifier.Publish(new JobUpdate(jobId, userId, JobStatus.Queued, QueuePosition: place));
        }
        _published = places;
    }
}
