using System.Collections.Concurrent;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Kernels;
using SdWeb.Tests.Support;
using Xunit.Abstractions;

namespace SdWeb.Tests.Devices;

/// <summary>The race between SdWeb's own CPU kernels and libtorch's: the rule, the log line, the cache, and one real race.</summary>
[Layer(Layer.Engine)]
public class CpuKernelCalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void TakesSdWebsKernelOnlyWhereItIsClearlyFaster()
    {
        // libtorch's kernels compute the reference's own numbers, so a kernel of SdWeb's that merely ties is not taken.
        Assert.True(new KernelTimes(Own: 60, Libtorch: 100).OwnIsFaster);
        Assert.True(new KernelTimes(Own: 95, Libtorch: 100).OwnIsFaster);
        Assert.False(new KernelTimes(Own: 97, Libtorch: 100).OwnIsFaster);
        Assert.False(new KernelTimes(Own: 130, Libtorch: 100).OwnIsFaster);
        var result = new CpuKernelCalibrationResult("machine", new KernelTimes(130, 100), null);
        Assert.Equal((false, null), (result.Winograd, result.Bf16Attention));
    }

    [Fact]
    public void TheLogSaysWhatRacedAndWhatWon()
    {
        var result = new CpuKernelCalibrationResult("machine A, kernel race 1", new KernelTimes(262.4, 410.2), new KernelTimes(180, 171));
        Assert.Equal("SdWeb's kernels on this CPU (measured now): Winograd convolutions 262 ms against libtorch's 410 ms (0.64×): Winograd; " +
                     "bf16 attention 180 ms against libtorch's 171 ms (1.05×): libtorch's; machine A, kernel race 1", result.Describe("measured now"));
        Assert.Equal("SdWeb's kernels on this CPU (measured now): Winograd convolutions: cannot run here; bf16 attention: cannot run here; machine B",
            new CpuKernelCalibrationResult("machine B", null, null).Describe("measured now"));
    }

    [Fact]
    public void RacesOncePerMachineAndReadsTheCacheBack()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var options = new EngineOptions { CacheDir = dir.Path, Log = log.Add };
        var raced = new List<string>();
        CpuKernelCalibrationResult Race(string key)
        {
            raced.Add(key);
            return new CpuKernelCalibrationResult(key, new KernelTimes(key == "machine A" ? 60 : 120, 100), null);
        }

        Assert.True(CpuKernelCalibration.Choose(options, "machine A", Race).Winograd);
        Assert.False(CpuKernelCalibration.Choose(options, "machine B", Race).Winograd);
        var again = CpuKernelCalibration.Choose(options, "machine A", Race);

        Assert.Equal(["machine A", "machine B"], raced);
        Assert.Equal(new CpuKernelCalibrationResult("machine A", new KernelTimes(60, 100), null), again);
        Assert.StartsWith($"SdWeb's kernels on this CPU (cached in {dir[CpuKernelCalibration.CacheFileName]}): Winograd convolutions 60 ms", log[2]);
    }

    [Fact]
    public void ARaceThatFailedIsRunAgainAtTheNextLoadAndOneThatRanIsKept()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var options = new EngineOptions { CacheDir = dir.Path, Log = log.Add };
        var raced = new ConcurrentDictionary<string, Lazy<CpuKernelCalibrationResult>>();
        var races = 0;
        CpuKernelCalibrationResult Race(string key) => ++races == 1
            ? throw new InsufficientMemoryException("no memory for the race")
            : new CpuKernelCalibrationResult(key, new KernelTimes(60, 100), null);

        Assert.Throws<InsufficientMemoryException>(() => CpuKernelCalibration.ChooseOncePerProcess(options, "machine A", Race, raced));
        var second = CpuKernelCalibration.ChooseOncePerProcess(options, "machine A", Race, raced);
        var third = CpuKernelCalibration.ChooseOncePerProcess(options, "machine A", Race, raced);

        Assert.Equal(2, races);
        Assert.True(second.Winograd);
        Assert.Same(second, third);
        Assert.StartsWith("SdWeb's kernels on this CPU (raced earlier in this process): ", log[^1]);
    }

    /// <summary>
    /// The real race on this machine: each side runs its own kernel on every call (SdWeb's side counted at the kernels' entry
    /// points, so the libtorch side adds nothing), a kernel that cannot run here is left out, and the process races once.
    /// </summary>
    [Fact]
    public void TheRealRaceRunsEachSidesKernels()
    {
        var before = KernelUse.Now();
        var result = CpuKernelCalibration.Measure("this machine");
        var after = KernelUse.Now();
        output.WriteLine(result.Describe("measured now"));

        var calls = KernelRace.TimedRounds + 1;
        Assert.Equal(WinogradF43.IsAvailable ? 3 * calls : 0, after.Winograd - before.Winograd);
        Assert.Equal(Bf16FlashAttention.IsAvailable ? calls : 0, after.Bf16Attention - before.Bf16Attention);
        Assert.Equal(WinogradF43.IsAvailable, result.WinogradMilliseconds is { Own: > 0, Libtorch: > 0 });
        Assert.Equal(Bf16FlashAttention.IsAvailable, result.AttentionMilliseconds is { Own: > 0, Libtorch: > 0 });

        var log = new List<string>();
        var first = CpuKernelCalibration.Choose(new EngineOptions { Log = log.Add });
        Assert.Same(first, CpuKernelCalibration.Choose(new EngineOptions { Log = log.Add }));
        Assert.StartsWith("SdWeb's kernels on this CPU (raced earlier in this process): ", log[^1]);
    }
}
