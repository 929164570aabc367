using System.Runtime.CompilerServices;

namespace SdWeb.Tests.Support;

/// <summary>
/// Gives the test run enough pool threads from the start. On two cores the pool begins with two, and tests that block one
/// (synchronous waits, tensor work) can starve bUnit's renderer until the pool injects more, about one a second.
/// </summary>
internal static class ThreadPoolFloor
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), completionPorts);
    }
}
