using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Generation;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class QueuePositionsTests
{
    [Fact]
    public async Task EveryWaitingJobLearnsItsNewPlaceWhenTheOrderChanges()
    {
        var queue = new JobQueue();
        var notifier = new JobNotifier(4, TimeProvider.System, NullLogger<JobNotifier>.Instance);
        using var _ = new QueuePositions(queue, notifier);
        QueuedJob a1 = new(Guid.NewGuid(), "a", 1), a2 = new(Guid.NewGuid(), "a", 2), b1 = new(Guid.NewGuid(), "b", 3);

        queue.Enqueue(a1);
        queue.Enqueue(a2);
        Assert.Equal(2, notifier.Latest(a2.JobId)!.QueuePosition);

        queue.Enqueue(b1); // b's first job goes ahead of a's second
        Assert.Equal(2, notifier.Latest(b1.JobId)!.QueuePosition);
        Assert.Equal(3, notifier.Latest(a2.JobId)!.QueuePosition);

        await queue.DequeueAsync(CancellationToken.None);
        Assert.Equal(1, notifier.Latest(b1.JobId)!.QueuePosition);
        Assert.Equal(2, notifier.Latest(a2.JobId)!.QueuePosition);
    }
}
