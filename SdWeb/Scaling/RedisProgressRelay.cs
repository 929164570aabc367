using SdWeb.Generation;
using StackExchange.Redis;

namespace SdWeb.Scaling;

/// <summary>
/// Joins this node's <see cref="JobNotifier"/> to every other node's through one Redis pub/sub channel. Outgoing, it is
/// an ordinary notifier subscriber, so it gets the notifier's newest-wins mailbox and preview rate limit: a slow or
/// absent Redis only ever costs updates, never the engine's time. Incoming updates are published into the local notifier
/// marked <see cref="JobUpdate.FromAnotherNode"/>, so pages and /hubs/progress see them as their own and they are not
/// sent back. Redis down: publishing fails fast and is logged; StackExchange.Redis reconnects and resubscribes by itself.
/// </summary>
public sealed class RedisProgressRelay(IConnectionMultiplexer redis, JobNotifier notifier, ILogger<RedisProgressRelay> logger)
    : IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("sdweb:progress");

    private readonly string _node = Guid.NewGuid().ToString("N");
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stopping = new();
    private ChannelMessageQueue? _incoming;
    private Task? _retrying;
    private IDisposable? _outgoing;
    private long _publishFailures;

    /// <summary>Whether this node receives other nodes' updates yet (false until its subscription is made).</summary>
    public bool Subscribed => Volatile.Read(ref _incoming) is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _outgoing = notifier.SubscribeToAll(SendAsync);
        if (await TrySubscribeAsync()) return;
        logger.LogWarning("Redis is not reachable yet; other nodes' progress shows once it is (retrying every {Interval})", RetryInterval);
        _retrying = RetrySubscribeAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_retrying is not null) await _retrying;
        _outgoing?.Dispose();
        if (_incoming is not null) await _incoming.UnsubscribeAsync();
    }

    private async Task<bool> TrySubscribeAsync()
    {
        try
        {
            // A queue, not a handler: messages arrive in the order they were sent, so an older update never overtakes a newer one.
            _incoming = await redis.GetSubscriber().SubscribeAsync(Channel);
            _incoming.OnMessage(Receive);
            return true;
        }
        catch (RedisException)
        {
            return false; // not connected yet (a node started before Redis, or while it restarts)
        }
    }

    private async Task RetrySubscribeAsync(CancellationToken stopping)
    {
        try
        {
            do await Task.Delay(RetryInterval, stopping);
            while (!await TrySubscribeAsync());
            logger.LogInformation("Subscribed to job progress in Redis");
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task SendAsync(JobUpdate update)
    {
        // Queue positions are not relayed: every node reads them from the shared jobs table (SharedQueuePositions).
        if (update.FromAnotherNode || update.QueuePosition is not null) return;
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, ProgressMessage.From(_node, update).ToUtf8());
            if (Interlocked.Exchange(ref _publishFailures, 0) > 0) logger.LogInformation("Job progress reaches Redis again");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Generation goes on; watchers on other nodes miss this update and get the next one Redis takes.
            if (Interlocked.Increment(ref _publishFailures) == 1)
                logger.LogWarning(e, "Job progress could not be published to Redis; dropping updates until it is back");
        }
    }

    private void Receive(ChannelMessage message)
    {
        try
        {
            var received = ProgressMessage.FromUtf8((byte[])message.Message!);
            if (received is null || received.Node == _node) return;
            notifier.Publish(received.ToUpdate());
        }
        catch (System.Text.Json.JsonException e)
        {
            logger.LogWarning(e, "Ignored a malformed progress message from Redis");
        }
    }
}
