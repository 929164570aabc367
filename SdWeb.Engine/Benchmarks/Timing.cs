using System.Diagnostics;
using TorchSharp;

namespace SdWeb.Engine.Benchmarks;

/// <summary>Wall-clock timing of torch work: one warm-up call, then min and median over the runs (device synchronised).</summary>
internal static class Timing
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
        return Summarize(times);
    }

    public static Stats Summarize(IReadOnlyList<double> milliseconds)
    {
        var times = milliseconds.Order().ToArray();
        int n = times.Length;
        double median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
        return new Stats(times[0], median, n);
    }

    public static void Synchronize(torch.Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
