using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Components;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Features;

/// <summary>The 9-channel tiny-sd-inpaint folder, on the CPU in fp32 with one thread, by the factory the CLI uses; components at hand.</summary>
public sealed class TinySdInpaintFixture : IDisposable
{
    public static string Folder => Golden.PathOf("features", "tiny-sd-inpaint");

    internal StableDiffusionComponents Components { get; }
    internal StableDiffusionPipeline Pipeline { get; }

    public TinySdInpaintFixture()
    {
        Components = new PipelineFactory(TinySdPipelineFixture.CpuFloat32).LoadComponents(Folder);
        Pipeline = new StableDiffusionPipeline(Components);
    }

    public void Dispose() => Pipeline.Dispose();
}
