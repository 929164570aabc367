using System.Diagnostics;
using TorchSharp;

namespace SdWeb.Cli.Bench;

/// <summary>Wall-clock timing of torch work: one warm-up call, then min and median over the runs (device synchronised).</summary>
public static class Timing
{
    public sealed record Stats(double MinMs, double MedianMs, int Runs);

    public static Stats Measure(Action call, torch.Device device, int runs)
    {
        call();
        Synchronize(device);
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            call();
            Synchronize(device);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        double median = runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
        return new Stats(times[0], median, runs);
    }

    public static void Synchronize(torch.Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
