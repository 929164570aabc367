using SdWeb.Engine.Devices;
using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Pipelines;

/// <summary>
/// The tiny-sd folder loaded once, on the CPU in fp32, by the factory the CLI uses. One thread, as the goldens were made
/// (and because intra-op threads only contend on the shared test machine).
/// </summary>
public sealed class TinySdPipelineFixture : IDisposable
{
    public static readonly EngineOptions CpuFloat32 = new() { Device = "cpu", DType = "fp32", Threads = 1 };

    internal StableDiffusionPipeline Pipeline { get; } =
        (StableDiffusionPipeline)new PipelineFactory(CpuFloat32).Load(Golden.TinySdFolder);

    public void Dispose() => Pipeline.Dispose();
}
