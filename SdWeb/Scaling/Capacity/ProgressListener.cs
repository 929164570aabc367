using System.Collections.Concurrent;
using SdWeb.Data;
using StackExchange.Redis;

namespace SdWeb.Scaling.Capacity;

/// <summary>
/// A web node's view of the progress channel, on its own connection: counts the messages and bytes that went through
/// Redis and notes every job whose success arrived, so the run can wait for the last ones.
/// </summary>
internal sealed class ProgressListener : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, byte> _succeeded = new();
    private readonly ChannelMessageQueue _queue;
    private long _messages;
    private long _bytes;

    private ProgressListener(ChannelMessageQueue queue)
    {
        _queue = queue;
        _queue.OnMessage(Receive);
    }

    /// <summary>How long the subscription may wait for its connection.</summary>
    private static readonly TimeSpan SubscribePatience = TimeSpan.FromSeconds(15);

    public static async Task<ProgressListener> StartAsync(IConnectionMultiplexer redis, CancellationToken cancellationToken)
    {
        // A connect returns once the interactive connection is up; on a busy machine the subscription connection can still
        // be handshaking ("No connection is active/available … SUBSCRIBE"), so the first tries may be refused.
        var deadline = DateTime.UtcNow + SubscribePatience;
        while (true)
        {
            try
            {
                return new(await redis.GetSubscriber().SubscribeAsync(RedisProgressRelay.Channel));
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
    }

    public long Messages => Interlocked.Read(ref _messages);

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Succeeded => _succeeded.Count;

    /// <summary>Waits until <paramref name="jobs"/> successes have arrived, or <paramref name="patience"/> has passed.</summary>
    public async Task WaitForSucceededAsync(int jobs, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        while (Succeeded < jobs && DateTime.UtcNow < deadline)
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
    }

    public async ValueTask DisposeAsync() => await _queue.UnsubscribeAsync();

    private void Receive(ChannelMessage message)
    {
        var body = (byte[])message.Message!;
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, body.Length);
        if (ProgressMessage.FromUtf8(body) is { Status: JobStatus.Succeeded } done) _succeeded.TryAdd(done.JobId, 0);
    }
}
