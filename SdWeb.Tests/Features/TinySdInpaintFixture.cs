using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Features;

/// <summary>The 9-channel tiny-sd-inpaint folder, on the CPU in fp32 with one thread, by the factory the CLI uses.</summary>
public sealed class TinySdInpaintFixture : IDisposable
{
    public static string Folder => Golden.PathOf("features", "tiny-sd-inpaint");

    public StableDiffusionPipeline Pipeline { get; } =
        (StableDiffusionPipeline)new PipelineFactory(TinySdPipelineFixture.CpuFloat32).Load(Folder);

    public void Dispose() => Pipeline.Dispose();
}
