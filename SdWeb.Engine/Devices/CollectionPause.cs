using System.Runtime;

namespace SdWeb.Engine.Devices;

/// <summary>
/// Holds off garbage collection while TorchSharp ops run. TorchSharp turns each .NET number passed to an op
/// (<c>t.add_(1e-8)</c>, <c>t * 0.5</c>) into a finalizable <c>Scalar</c> and hands libtorch its native pointer without
/// keeping the object alive. When another thread's allocation starts a collection while the torch thread sits between
/// reading that pointer and the native call, the finalizer can free the scalar first, and the op reads freed memory: a
/// wrong number, a NaN, or libtorch's "Expected false to be true" from <c>Scalar::toFloat</c>. In a no-GC region no
/// collection runs, so no scalar is freed under an op. The region is process-wide, so pauses on several threads share
/// one: the first starts it, the last ends it. If the other threads allocate more than the budget meanwhile, a
/// collection runs and the region ends early (<see cref="Held"/>); the next pause, nested or not, starts a new one.
/// Every <see cref="RegionsPerRelease"/>th region starts with an aggressive collection, for the memory the regions GC
/// keeps from the regions before.
/// </summary>
internal sealed class CollectionPause : IDisposable
{
    /// <summary>
    /// Managed bytes all threads together may allocate during a pause, kept as garbage until it ends: a sampling or
    /// training step allocates a few MB.
    /// </summary>
    public const long Budget = 128L << 20;

    /// <summary>
    /// .NET's regions GC (10.0.12) keeps about 5 MB resident for each no-GC region started, whatever the budget, while no
    /// longer counting it as committed: a training process grew by 4–5 MB a step, to 17 GB in 2,600 steps. An aggressive
    /// collection returns it (about 55 ms with a small heap), so one every 32 regions bounds it to ~160 MB.
    /// The older segments GC (libclrgc.so) does not keep it.
    /// </summary>
    public const int RegionsPerRelease = 32;

    private static readonly Lock Gate = new();
    private static int _holders;
    private static int _regionsSinceRelease;
    private bool _disposed;

    private CollectionPause()
    {
    }

    public static CollectionPause Start()
    {
        lock (Gate)
        {
            _holders++;
            if (!Held)
            {
                if (++_regionsSinceRelease >= RegionsPerRelease)
                {
                    _regionsSinceRelease = 0;
                    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                }
                try
                {
                    GC.TryStartNoGCRegion(Budget);
                }
                catch (ArgumentOutOfRangeException)
                {
                    // A GC configured with less ephemeral space than the budget: run unpaused rather than fail.
                }
                catch (InvalidOperationException)
                {
                    // The GC still counts a region that a collection ended ("already in progress") until it is ended.
                    RestartRegion();
                }
            }
            return new CollectionPause();
        }
    }

    /// <summary>Ends the region the GC still counts after a collection ended it, then starts a new one; else runs unpaused.</summary>
    private static void RestartRegion()
    {
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // Ending a region that a collection ended reports how it ended; it is ended all the same.
        }
        try
        {
            GC.TryStartNoGCRegion(Budget);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            // If a new one still cannot start, the work runs unpaused rather than failing.
        }
    }

    /// <summary>Whether no collection can run now.</summary>
    public static bool Held => GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;

    public void Dispose()
    {
        lock (Gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (--_holders == 0 && Held) GC.EndNoGCRegion();
        }
    }
}
