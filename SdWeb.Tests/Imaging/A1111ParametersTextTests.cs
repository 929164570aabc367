using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Imaging;

[Layer(Layer.Engine)]
public class A1111ParametersTextTests
{
    private static readonly GenerationParameters Parameters = new(
        "tiny-sd", "6ce0161689", "euler_a", 20, 7.5, 100, 64, 64, 1, null, "fp32", "cpu", "1.0.0");

    [Fact]
    public void FormatsLikeA1111()
    {
        var image = new GeneratedImage(null!, "a horse", "blurry", 0);
        var text = A1111ParametersText.Format(image, Parameters, batchSize: 1);
        Assert.Equal(
            "a horse\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 100, Size: 64x64, " +
            "Model hash: 6ce0161689, Model: tiny-sd, Dtype: fp32, Device: cpu, Version: SdWeb 1.0.0", text);
    }

    [Fact]
    public void WritesTheVariationSeedWhereA1111DoesAndTheSpacingOverride()
    {
        var image = new GeneratedImage(null!, "a horse", "", 0);
        var p = Parameters with { Sampler = "euler_karras", Subseed = 200, SubseedStrength = 0.3, TimestepSpacing = "linspace" };
        var text = A1111ParametersText.Format(image, p, batchSize: 1);
        Assert.Equal(
            "a horse\nSteps: 20, Sampler: Euler Karras, CFG scale: 7.5, Seed: 100, Size: 64x64, Model hash: 6ce0161689, Model: tiny-sd, " +
            "Variation seed: 200, Variation seed strength: 0.3, Timestep spacing: linspace, Dtype: fp32, Device: cpu, Version: SdWeb 1.0.0", text);
        var parsed = A1111ParametersText.Parse(text);
        Assert.Equal("euler_karras", parsed.Sampler);
        Assert.Equal("200", parsed.Settings["Variation seed"]);
        Assert.Equal("0.3", parsed.Settings["Variation seed strength"]);
    }

    [Fact]
    public void WritesTilingAfterClipSkipAsA1111DoesAndReadsItBack()
    {
        var image = new GeneratedImage(null!, "tiles", "", 0);
        var text = A1111ParametersText.Format(image, Parameters with { Tiling = true, ClipSkip = 2 }, batchSize: 1);

        Assert.Contains(", Model: tiny-sd, Clip skip: 2, Tiling: True, Dtype: fp32,", text);
        Assert.True(A1111ParametersText.Parse(text).Tiling);
        Assert.False(A1111ParametersText.Parse(A1111ParametersText.Format(image, Parameters, batchSize: 1)).Tiling);
    }

    [Fact]
    public void RoundTripsThroughAPng()
    {
        using var image = new Image<Rgb24>(8, 8, new Rgb24(10, 20, 30));
        var generated = new GeneratedImage(image, "a cat, sitting: on a mat\nsecond line", "", 1);
        var p = Parameters with { Sampler = "dpmpp_2m_karras", Strength = 0.6, ModelName = "my, model" };
        var text = A1111ParametersText.Format(generated, p, batchSize: 2);

        using var png = new MemoryStream();
        ParametersPng.Save(image, text, png);
        png.Position = 0;
        Assert.Equal(text, ParametersPng.ReadText(png));

        var parsed = A1111ParametersText.Parse(text);
        Assert.Equal("a cat, sitting: on a mat\nsecond line", parsed.Prompt);
        Assert.Equal("", parsed.NegativePrompt);
        Assert.Equal(20, parsed.Steps);
        Assert.Equal("dpmpp_2m_karras", parsed.Sampler);
        Assert.Equal(7.5, parsed.CfgScale);
        Assert.Equal(100, parsed.Seed);
        Assert.Equal((64, 64), (parsed.Width, parsed.Height));
        Assert.Equal("6ce0161689", parsed.ModelHash);
        Assert.Equal("my, model", parsed.ModelName);
        Assert.Equal(0.6, parsed.DenoisingStrength);
        Assert.Equal("1", parsed.Settings["Batch pos"]);
    }

    [Fact]
    public void PngTextChunkIsUncompressedTExt()
    {
        using var image = new Image<Rgb24>(4, 4);
        var text = "long " + new string('x', 3000) + "\nSteps: 1, Sampler: Euler, CFG scale: 1, Seed: 1";
        using var png = new MemoryStream();
        ParametersPng.Save(image, text, png);
        var bytes = png.ToArray();
        Assert.True(IndexOf(bytes, "tEXtparameters\0"u8.ToArray()) > 0, "expected a tEXt chunk named parameters");
        Assert.Equal(-1, IndexOf(bytes, "zTXt"u8.ToArray()));
    }

    [Fact]
    public void ParsesARealA1111String()
    {
        // As written by AUTOMATIC1111 v1.6 (hires fix and a LoRA add quoted and unknown settings).
        const string text =
            "a castle on a hill, highly detailed, (masterpiece:1.2)\n" +
            "Negative prompt: lowres, bad anatomy\n" +
            "Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 3890418932, Size: 512x768, Model hash: 6ce0161689, " +
            "Model: v1-5-pruned-emaonly, Denoising strength: 0.55, Hires upscale: 2, Hires upscaler: Latent, " +
            "Lora hashes: \"add_detail: 7c6bad76eb54\", Version: v1.6.0";
        var p = A1111ParametersText.Parse(text);
        Assert.Equal("a castle on a hill, highly detailed, (masterpiece:1.2)", p.Prompt);
        Assert.Equal("lowres, bad anatomy", p.NegativePrompt);
        Assert.Equal(28, p.Steps);
        Assert.Equal("dpmpp_2m_karras", p.Sampler);
        Assert.Equal(7, p.CfgScale);
        Assert.Equal(3890418932, p.Seed);
        Assert.Equal((512, 768), (p.Width, p.Height));
        Assert.Equal("6ce0161689", p.ModelHash);
        Assert.Equal("v1-5-pruned-emaonly", p.ModelName);
        Assert.Equal(0.55, p.DenoisingStrength);
        Assert.Equal("add_detail: 7c6bad76eb54", p.Settings["Lora hashes"]);
        Assert.Equal("Latent", p.Settings["Hires upscaler"]);
    }

    [Fact]
    public void TextWithoutSettingsIsAllPrompt()
    {
        var p = A1111ParametersText.Parse("just a prompt\nNegative prompt: ugly");
        Assert.Equal("just a prompt", p.Prompt);
        Assert.Equal("ugly", p.NegativePrompt);
        Assert.Null(p.Steps);
        Assert.Null(p.Sampler);
    }

    [Fact]
    public void UnknownSamplerParsesToNullButStaysInSettings()
    {
        var p = A1111ParametersText.Parse("x\nSteps: 20, Sampler: DPM++ SDE Karras, CFG scale: 7, Seed: 1");
        Assert.Null(p.Sampler);
        Assert.Equal("DPM++ SDE Karras", p.Settings["Sampler"]);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
