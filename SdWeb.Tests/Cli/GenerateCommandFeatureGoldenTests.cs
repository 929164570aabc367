using System.Globalization;
using System.Text.Json;
using SdWeb.Cli;
using SdWeb.Engine.Imaging;
using SdWeb.Tests.Features;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using Xunit.Abstractions;

namespace SdWeb.Tests.Cli;

/// <summary>
/// A case of each features/ family through `generate` (CliApp in-process: options, network folders, the PNG it writes)
/// against the golden PNG. The numerics are checked per tensor by the engine's tests in Features/ and Networks/.
/// </summary>
[Layer(Layer.Engine)]
public sealed class GenerateCommandFeatureGoldenTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("a1111_weighted_3chunk", "euler", "--prompt-syntax", "a1111", "--pad-cond-uncond", "true")]
    [InlineData("a1111_prompt_edit", "euler", "--prompt-syntax", "a1111", "--pad-cond-uncond", "true")]
    [InlineData("clip_skip2_a1111", "euler", "--prompt-syntax", "a1111", "--pad-cond-uncond", "true", "--clip-skip", "2")]
    [InlineData("lora_07", "dpmpp_2m", "--prompt-syntax", "a1111")]
    [InlineData("ti_tiny_style", "euler_a")]
    [InlineData("lms_img2img_s06", "lms")]
    [InlineData("dpmpp_2m_sde_karras", "dpmpp_2m_sde_karras")]
    [InlineData("variation_s03", "dpmpp_2m")]
    [InlineData("inpaint_legacy_rect_s10", "ddim")]
    [InlineData("inpaint_legacy_blob_s075", "euler_a")]
    [InlineData("inpaint9_rect_s10", "dpmpp_2m")]
    [InlineData("inpaint9_blob_s075", "lms")]
    [InlineData("hires_eulera_64to128", "euler_a")]
    [InlineData("hires_dpmpp2m_64to128", "dpmpp_2m")]
    public async Task WritesTheGoldenPng(string caseName, string sampler, params string[] extra)
    {
        var goldenCase = FeatureCase.Named(caseName);
        using var dir = new TempDir();
        var (code, stderr) = await Generate([.. ArgsOf(goldenCase.Json, sampler), .. extra, "--out", dir.Path]);
        Assert.True(code == CliApp.Ok, stderr);

        var (maxLevel, offFraction) = PipelineGoldenTests.ComparePng(Golden.PathOf("features", goldenCase.PngFiles[0]), dir["0.png"]);
        output.WriteLine($"{caseName} png: max level diff {maxLevel}, pixels off by >1: {offFraction:P3}");
        Assert.True(offFraction <= 0.001, $"{offFraction:P3} of the pixels differ by more than one level (max {maxLevel})");

        using var png = File.OpenRead(dir["0.png"]);
        var settings = A1111ParametersText.Parse(ParametersPng.ReadText(png)!).Settings;
        // What AUTOMATIC1111 writes for these (hashes: Python hashlib's of the golden files, as in NetworkPipelineGoldenTests).
        switch (caseName)
        {
            case "clip_skip2_a1111": Assert.Equal("2", settings["Clip skip"]); break;
            case "lora_07": Assert.Equal("tiny-detail: e26b84334128", settings["Lora hashes"]); break;
            case "ti_tiny_style": Assert.Equal("tiny-style: 492674a98d54", settings["TI hashes"]); break;
            case "variation_s03": Assert.Equal(("200", "0.3"), (settings["Variation seed"], settings["Variation seed strength"])); break;
            case "inpaint_legacy_rect_s10" or "inpaint9_rect_s10": Assert.Equal(("1", "0"), (settings["Denoising strength"], settings["Mask blur"])); break;
            case "inpaint_legacy_blob_s075" or "inpaint9_blob_s075": Assert.Equal(("0.75", "0"), (settings["Denoising strength"], settings["Mask blur"])); break;
            case "hires_eulera_64to128" or "hires_dpmpp2m_64to128":
                Assert.Equal(("64x64", "2", "12", "Latent", "0.6"),
                    (settings["Size"], settings["Hires upscale"], settings["Hires steps"], settings["Hires upscaler"], settings["Denoising strength"]));
                break;
            default: Assert.False(settings.ContainsKey("Clip skip")); break;
        }
    }

    [Fact]
    public async Task AnUnknownLoraFailsListingTheAvailableOnes()
    {
        using var dir = new TempDir();
        var (code, stderr) = await Generate(
            "--model", Golden.TinySdFolder, "--prompt", "<lora:tiny-detial:0.7> a cat", "--prompt-syntax", "a1111",
            "--lora-dir", Golden.PathOf("features", "lora"), "--width", "64", "--height", "64", "--out", dir.Path);
        Assert.Equal(CliApp.Failed, code);
        Assert.Contains("No LoRA named \"tiny-detial\"", stderr);
        Assert.Contains("Available: tiny-detail, tiny-sketch.", stderr);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Theory]
    [InlineData("--clip-skip", "0")]
    [InlineData("--subseed-strength", "2")]
    [InlineData("--prompt-syntax", "comfy")]
    [InlineData("--pad-cond-uncond", "yes")]
    [InlineData("--timestep-spacing", "even")]
    [InlineData("--hires-upscaler", "esrgan")]
    [InlineData("--mask-blur", "3")]
    public async Task AnOutOfRangeValueIsAUsageErrorNamingTheOption(string option, string value)
    {
        using var dir = new TempDir();
        var (code, stderr) = await Generate("--model", Golden.TinySdFolder, "--prompt", "a cat", option, value, "--out", dir.Path);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains($"error: {option}", stderr);
    }

    /// <summary>The case's settings as `generate` options; paths in cases.json are relative to the folder that holds shared/.</summary>
    private static List<string> ArgsOf(JsonElement json, string sampler)
    {
        string? Text(string key) => json.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        string Number(string key) => json.GetProperty(key).GetRawText();
        var model = Text("model_path") is { } modelPath ? Path.Combine(Golden.Dir, "..", "..", modelPath) : Golden.TinySdFolder;
        var args = new List<string>
        {
            "--model", model, "--prompt", Text("a1111_prompt") ?? Text("prompt")!, "--sampler", sampler,
            "--steps", Number("steps"), "--cfg", Number("guidance_scale"), "--seed", Number("seed"),
            "--width", Number("width"), "--height", Number("height"), "--dtype", "fp32",
            "--lora-dir", Golden.PathOf("features", "lora"), "--embeddings-dir", Golden.PathOf("features", "embeddings"),
        };
        if ((Text("a1111_negative_prompt") ?? Text("negative_prompt")) is { Length: > 0 } negative) args.AddRange(["--negative", negative]);
        if (Text("init_image_path") is { } init)
            args.AddRange(["--init-image", Path.Combine(Golden.Dir, "..", "..", init), "--strength", Number("strength")]);
        if (Text("mask_path") is { } mask) args.AddRange(["--mask", Path.Combine(Golden.Dir, "..", "..", mask)]);
        if (json.TryGetProperty("hires", out var hires))
        {
            Assert.Equal("Latent", hires.GetProperty("upscaler").GetString());
            args.AddRange(["--hires-upscaler", "latent", "--hires-scale", hires.GetProperty("scale").GetRawText(),
                "--hires-steps", hires.GetProperty("hires_steps").GetRawText(), "--hires-denoise", hires.GetProperty("denoising_strength").GetRawText()]);
        }
        if (json.TryGetProperty("subseed", out var subseed))
            args.AddRange(["--subseed", subseed.GetRawText(), "--subseed-strength", Number("subseed_strength")]);
        return args;
    }

    private static async Task<(int Code, string Stderr)> Generate(params string[] args)
    {
        var error = new StringWriter();
        var code = await CliApp.RunAsync(["generate", .. args], TextWriter.Null, error, CancellationToken.None);
        return (code, error.ToString());
    }
}
