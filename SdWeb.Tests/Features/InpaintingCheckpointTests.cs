using SdWeb.Engine.Devices;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace SdWeb.Tests.Features;

/// <summary>An original-format inpainting checkpoint: its conv_in takes 9 channels, and the pipeline treats it as an inpainting model.</summary>
[Layer(Layer.Engine)]
public sealed class InpaintingCheckpointTests
{
    private const string ConvIn = "model.diffusion_model.input_blocks.0.0.weight";

    [Fact]
    public void ANineChannelConvInMakesAnInpaintingUNet()
    {
        using var dir = new TempDir();
        var path = NineChannelCopyOfTinySd(dir);
        using (var single = ModelSource.Open(path, ModelPlacement.CpuFloat32))
            Assert.Equal(9, single.UNet.Config.InChannels);

        using var pipeline = (StableDiffusionPipeline)new PipelineFactory(TinySdPipelineFixture.CpuFloat32).Load(path);
        using var init = InitImageReader.Read(Golden.PathOf("pipelines", "init_image.png"), GenerationLimits.Default);
        using var mask = new Image<L8>(64, 64);
        mask[10, 10] = new L8(255);
        var request = new GenerationRequest { Prompts = ["a wall"], Sampler = "ddim", Steps = 2, Seed = 1, Width = 64, Height = 64, InitImage = init, Strength = 1.0 };

        using var run = pipeline.Run(request with { Mask = mask }, 1, null, CancellationToken.None);
        Assert.Equal([1L, 64, 64, 3], run.Images.shape);
        var error = Assert.Throws<ArgumentException>(() => pipeline.Run(request, 1, null, CancellationToken.None));
        Assert.Contains("inpainting model", error.Message);
    }

    private static string NineChannelCopyOfTinySd(TempDir dir)
    {
        var path = dir["tiny-inpaint.safetensors"];
        using var source = SafeTensorsFile.Open(Golden.TinySdCheckpoint);
        var convIn = source.Tensors[ConvIn];
        long[] wide = [convIn.Shape[0], 9, convIn.Shape[2], convIn.Shape[3]];
        var entries = source.Tensors.Keys.Select(k => new SafeTensorEntry(k, source.Tensors[k].ScalarType, k == ConvIn ? wide : source.Tensors[k].Shape)).ToList();
        SafeTensorsFile.Write(path, entries, n => n == ConvIn ? torch.full(wide, 0.01f) : source.Read(n), ownsTensors: true);
        return path;
    }
}
