namespace SdWeb.Generation;

/// <summary>
/// Wakes a polling loop early: <see cref="WaitAsync"/> returns after its timeout, or as soon as someone rang since the
/// last wait returned. A ring is never lost, only merged with others (the loop looks at the database anyway).
/// </summary>
public class Doorbell
{
    private TaskCompletionSource _ring = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Ring() => Volatile.Read(ref _ring).TrySetResult();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ring = Volatile.Read(ref _ring);
        await Task.WhenAny(ring.Task, Task.Delay(timeout, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        // Answered: the next wait waits for a new ring. A ring in between is merged into this answer.
        if (ring.Task.IsCompleted)
            Interlocked.CompareExchange(ref _ring, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), ring);
    }
}
