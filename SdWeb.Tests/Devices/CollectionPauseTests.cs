using SdWeb.Engine.Devices;

namespace SdWeb.Tests.Devices;

/// <summary>
/// While a <see cref="CollectionPause"/> holds, no garbage collection runs, whichever thread allocates, so no finalizer
/// can free a TorchSharp scalar that an op is about to read; pauses on several threads share one no-GC region.
/// </summary>
[Layer(Layer.Engine)]
[Collection("GarbageCollectionState")]
public sealed class CollectionPauseTests
{
    /// <summary>Well above a gen0 budget, below the pause's.</summary>
    private const int AllocatedBytes = 96 << 20;

    [Fact]
    public void AnotherThreadsAllocationsStartNoCollectionWhileAPauseHolds()
    {
        int paused, unpaused;
        using (CollectionPause.Start())
        {
            paused = CollectionsDuring(AllocateOnAnotherThread);
            Assert.True(CollectionPause.Held);
        }
        Assert.False(CollectionPause.Held);
        unpaused = CollectionsDuring(AllocateOnAnotherThread);

        Assert.Equal(0, paused);
        Assert.True(unpaused > 0, "without a pause the same allocations should have started a collection");
    }

    [Fact]
    public void PausesOnTwoThreadsShareOneRegionUntilTheLastEnds()
    {
        var first = CollectionPause.Start();
        CollectionPause? second = null;
        var other = new Thread(() => second = CollectionPause.Start());
        other.Start();
        other.Join();

        first.Dispose();
        Assert.True(CollectionPause.Held);
        second!.Dispose();
        Assert.False(CollectionPause.Held);
    }

    [Fact]
    public void ANestedPauseStartsANewRegionWhenACollectionEndedTheOuterOne()
    {
        using var outer = CollectionPause.Start();
        GC.Collect(); // what another thread's GC.Collect, or a spent budget, does
        Assert.False(CollectionPause.Held);

        using (CollectionPause.Start())
            Assert.True(CollectionPause.Held);
        Assert.True(CollectionPause.Held); // the outer pause still holds the new region
    }

    [Fact]
    public void DisposingTwiceReleasesOnce()
    {
        var outer = CollectionPause.Start();
        var inner = CollectionPause.Start();
        inner.Dispose();
        inner.Dispose();
        Assert.True(CollectionPause.Held);
        outer.Dispose();
        Assert.False(CollectionPause.Held);
    }

    /// <summary>
    /// Without the periodic release, .NET 10's regions GC kept a few MB resident for each region started: 200 pauses like
    /// these grew the process by about 600 MB (a training run, one pause a step, reached 17 GB).
    /// </summary>
    [Fact]
    public void ManyPausesKeepTheProcessSmall()
    {
        const int pauses = 200;
        using (CollectionPause.Start()) AllocateGarbage();
        long before = Environment.WorkingSet;
        for (int i = 0; i < pauses; i++)
        {
            using (CollectionPause.Start()) AllocateGarbage();
        }
        long grown = Environment.WorkingSet - before;

        Assert.True(grown < 320L << 20, $"{pauses} pauses grew the process by {grown >> 20} MiB");
    }

    /// <summary>About what a training step allocates: a few MB of short strings (byte arrays of the same size do not show it).</summary>
    private static void AllocateGarbage()
    {
        for (int i = 0; i < 10_000; i++) GC.KeepAlive(new string('x', 200));
    }

    private static int CollectionsDuring(Action action)
    {
        int before = GC.CollectionCount(0);
        action();
        return GC.CollectionCount(0) - before;
    }

    private static void AllocateOnAnotherThread()
    {
        var thread = new Thread(() =>
        {
            for (int allocated = 0; allocated < AllocatedBytes; allocated += 8192)
                GC.KeepAlive(new byte[8192]);
        });
        thread.Start();
        thread.Join();
    }
}
