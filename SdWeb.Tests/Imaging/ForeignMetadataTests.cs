using SdWeb.Engine.Imaging;
using static SdWeb.Tests.Imaging.ForeignPngMetadata;

namespace SdWeb.Tests.Imaging;

/// <summary>ComfyUI and InvokeAI PNGs read into the same parameters as an AUTOMATIC1111 one (expected values taken from the metadata by hand).</summary>
[Layer(Layer.Engine)]
public sealed class ForeignMetadataTests
{
    private static ImageParameters? Read(byte[] png) => ParametersPng.ReadParameters(new MemoryStream(png));

    [Fact]
    public void ComfyUiKSamplerGraphGivesPromptsSeedStepsCfgSamplerAndSize()
    {
        var p = Read(Png(("prompt", ComfyDefaultGraph), ("workflow", ComfyWorkflow)))!;

        Assert.Equal("ComfyUI", p.Generator);
        Assert.Equal("beautiful scenery nature glass bottle landscape, purple galaxy bottle,", p.Prompt);
        Assert.Equal("text, watermark", p.NegativePrompt);
        Assert.Equal((156680208700286L, 20, 8.0), (p.Seed!.Value, p.Steps!.Value, p.CfgScale!.Value));
        Assert.Equal("dpmpp_2m_karras", p.Sampler);
        Assert.Equal((512, 768), (p.Width!.Value, p.Height!.Value));
        Assert.Equal("v1-5-pruned-emaonly", p.ModelName);
    }

    [Fact]
    public void ComfyUiSeedFromAPrimitiveNodeAndAnAdvancedSamplerAreFollowed()
    {
        const string graph = """
            {"10": {"inputs": {"noise_seed": ["12", 0], "steps": 12, "cfg": 6.5, "sampler_name": "euler_ancestral", "scheduler": "normal",
                               "positive": ["13", 0], "negative": ["7", 0], "latent_image": ["5", 0], "model": ["4", 0]}, "class_type": "KSamplerAdvanced"},
             "12": {"inputs": {"seed": 1234}, "class_type": "Seed (rgthree)"},
             "13": {"inputs": {"conditioning_1": ["6", 0], "conditioning_2": ["6", 0]}, "class_type": "ConditioningCombine"},
             "6": {"inputs": {"text": "a lighthouse", "clip": ["4", 1]}, "class_type": "CLIPTextEncode"},
             "7": {"inputs": {"text": "", "clip": ["4", 1]}, "class_type": "CLIPTextEncode"},
             "4": {"inputs": {"ckpt_name": "sd15/dreamshaper_8.safetensors"}, "class_type": "CheckpointLoaderSimple"},
             "5": {"inputs": {"width": 640, "height": 384, "batch_size": 2}, "class_type": "EmptyLatentImage"}}
            """;

        var p = Read(Png(("prompt", graph)))!;

        Assert.Equal(("a lighthouse", ""), (p.Prompt, p.NegativePrompt));
        Assert.Equal((1234L, 12, 6.5), (p.Seed!.Value, p.Steps!.Value, p.CfgScale!.Value));
        Assert.Equal("euler_a", p.Sampler);
        Assert.Equal((640, 384), (p.Width!.Value, p.Height!.Value));
        Assert.Equal("dreamshaper_8", p.ModelName);
    }

    [Theory]
    [InlineData("dpmpp_2m", "karras", "dpmpp_2m_karras")]
    [InlineData("dpmpp_2m", "normal", "dpmpp_2m")]
    [InlineData("euler", "karras", "euler_karras")]
    [InlineData("uni_pc", "simple", "unipc")]
    [InlineData("dpmpp_2m_sde", "karras", "dpmpp_2m_sde_karras")]
    [InlineData("euler_ancestral", "karras", null)]
    [InlineData("dpmpp_3m_sde", "exponential", null)]
    public void ComfyUiSamplerAndSchedulerMapToTheEngineSampler(string sampler, string scheduler, string? expected)
    {
        var graph = ComfyDefaultGraph.Replace("\"dpmpp_2m\"", $"\"{sampler}\"", StringComparison.Ordinal)
            .Replace("\"karras\"", $"\"{scheduler}\"", StringComparison.Ordinal);

        var p = Read(Png(("prompt", graph)))!;

        Assert.Equal(expected, p.Sampler);
        Assert.Equal((sampler, scheduler), (p.Settings["Sampler"], p.Settings["Schedule type"]));
    }

    [Fact]
    public void InvokeAiCoreMetadataGivesEverythingItHolds()
    {
        var p = Read(Png((InvokeAiKeyword, InvokeCore)))!;

        Assert.Equal("InvokeAI", p.Generator);
        Assert.Equal(("a cozy cabin in the woods, winter", "blurry, lowres"), (p.Prompt, p.NegativePrompt));
        Assert.Equal((3938174821L, 30, 6.5), (p.Seed!.Value, p.Steps!.Value, p.CfgScale!.Value));
        Assert.Equal("dpmpp_2m_karras", p.Sampler);
        Assert.Equal((640, 512), (p.Width!.Value, p.Height!.Value));
        Assert.Equal("stable-diffusion-v1-5", p.ModelName);
    }

    [Fact]
    public void InvokeAiTwoSdMetadataGivesPromptSeedAndSampler()
    {
        var p = Read(Png(("sd-metadata", InvokeLegacy)))!;

        Assert.Equal("a red fox in the snow", p.Prompt);
        Assert.Equal((42L, 50, 7.5), (p.Seed!.Value, p.Steps!.Value, p.CfgScale!.Value));
        Assert.Equal("euler_a", p.Sampler);
        Assert.Equal((576, 512), (p.Width!.Value, p.Height!.Value));
    }

    [Fact]
    public void A1111ParametersWinAndAPngWithoutMetadataHasNone()
    {
        var both = Read(Png(("parameters", "a fox\nSteps: 9, Sampler: Euler a, CFG scale: 5, Seed: 3, Size: 64x64"), ("prompt", ComfyDefaultGraph)))!;
        Assert.Equal(("AUTOMATIC1111", "a fox", 9), (both.Generator, both.Prompt, both.Steps!.Value));

        Assert.Null(Read(Png()));
        Assert.Null(Read(Png(("prompt", "not json"), ("Software", "GIMP"))));
    }

    private const string InvokeAiKeyword = "invokeai_metadata";
}
