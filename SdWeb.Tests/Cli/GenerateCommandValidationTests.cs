using SdWeb.Cli;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Cli;

/// <summary>Bad command lines fail with a message saying what to fix, before any model is loaded.</summary>
[Layer(Layer.Engine)]
public sealed class GenerateCommandValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sdweb-cli").FullName;
    private bool _loaded;

    private GenerateCommand Command(GenerationLimits? limits = null) =>
        new(_ => new RecordingFactory(() => _loaded = true), limits ?? GenerationLimits.Default, TextWriter.Null, TextWriter.Null);

    private async Task<Exception> Fails(params string[] extra)
    {
        string[] args = ["--model", "/models/x", "--out", _dir, .. extra];
        var e = await Assert.ThrowsAnyAsync<Exception>(() => Command().RunAsync(new CliArgs(args), CancellationToken.None));
        Assert.False(_loaded, "the model must not load when the arguments are bad");
        return e;
    }

    [Fact]
    public async Task UnknownSamplerListsTheValidOnes()
    {
        var e = await Fails("--prompt", "a", "--sampler", "k_lms");
        Assert.IsType<CliUsageException>(e);
        Assert.Equal("--sampler: Unknown sampler 'k_lms'. Valid samplers: lms, lms_karras, euler, euler_karras, euler_a, heun, heun_karras, ddim, pndm, dpmpp_2m, dpmpp_2m_karras, dpmpp_2m_sde, dpmpp_2m_sde_karras, unipc, unipc_karras.", e.Message);
    }

    [Fact]
    public async Task StepsOutOfRange() =>
        Assert.Equal("--steps: Steps must be between 1 and 1000, not 1001.", (await Fails("--prompt", "a", "--steps", "1001")).Message);

    [Fact]
    public async Task StepsNotANumber() =>
        Assert.Equal("--steps must be a whole number, not 'ten'.", (await Fails("--prompt", "a", "--steps", "ten")).Message);

    [Fact]
    public async Task CfgOutOfRange() =>
        Assert.Equal("--cfg: CFG scale must be between 0 and 50, not 51.", (await Fails("--prompt", "a", "--cfg", "51")).Message);

    [Fact]
    public async Task WidthNotAMultipleOfEight() =>
        Assert.Equal("--width: Width must be a positive multiple of 8, not 500.", (await Fails("--prompt", "a", "--width", "500")).Message);

    [Fact]
    public async Task BeyondThePixelBudget() =>
        Assert.Equal("--width: 2048x2048 is 4194304 pixels, more than the budget of 1048576; make the image smaller.",
            (await Fails("--prompt", "a", "--width", "2048", "--height", "2048")).Message);

    [Fact]
    public async Task NoPrompt() =>
        Assert.Equal("--prompt: No prompt given; describe the image to generate.", (await Fails()).Message);

    [Fact]
    public async Task NegativePromptCount() =>
        Assert.Equal("--negative: 2 negative prompts for 3 prompt(s); give none, one for all prompts, or exactly one per prompt.",
            (await Fails("--prompt", "a", "--prompt", "b", "--prompt", "c", "--negative", "x", "--negative", "y")).Message);

    [Fact]
    public async Task StrengthOutOfRange()
    {
        var init = Path.Combine(_dir, "init.png");
        using (var image = new Image<Rgb24>(64, 64)) image.SaveAsPng(init);
        Assert.Equal("--strength: Strength must be in (0, 1], not 1.5.", (await Fails("--prompt", "a", "--init-image", init, "--strength", "1.5")).Message);
    }

    [Fact]
    public async Task StrengthWithoutInitImage() =>
        Assert.Equal("--strength only applies to img2img; give --init-image FILE too.", (await Fails("--prompt", "a", "--strength", "0.5")).Message);

    [Fact]
    public async Task InitImageMissing()
    {
        var path = Path.Combine(_dir, "missing.png");
        var e = await Fails("--prompt", "a", "--init-image", path);
        Assert.IsType<ArgumentException>(e);
        Assert.Equal($"Init image '{path}' does not exist; give the path of a PNG, JPEG, WebP, BMP or GIF file.", e.Message);
    }

    [Fact]
    public async Task InitImageUnreadable()
    {
        var path = Path.Combine(_dir, "broken.png");
        File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var e = await Fails("--prompt", "a", "--init-image", path);
        Assert.StartsWith($"Init image '{path}' ", e.Message);
    }

    [Fact]
    public async Task InitImageTooLarge()
    {
        var path = Path.Combine(_dir, "huge.png");
        using (var image = new Image<Rgb24>(4200, 4100)) image.SaveAsPng(path);
        var e = await Fails("--prompt", "a", "--init-image", path);
        Assert.Equal($"Init image '{path}' is 4200x4100 (17220000 pixels), more than the limit of 16777216; scale it down first.", e.Message);
    }

    [Fact]
    public async Task UnknownDType() =>
        Assert.Equal("--dtype must be one of auto, fp32, bf16, bf16-compute, fp16, not 'fp8'.", (await Fails("--prompt", "a", "--dtype", "fp8")).Message);

    [Fact]
    public async Task MissingOut()
    {
        var e = await Assert.ThrowsAsync<CliUsageException>(() =>
            Command().RunAsync(new CliArgs(["--model", "m", "--prompt", "a"]), CancellationToken.None));
        Assert.Equal("--out is required.", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class RecordingFactory(Action onLoad) : IPipelineFactory
    {
        public IImagePipeline Load(string modelPath, string? vaePath = null)
        {
            onLoad();
            throw new InvalidOperationException("not expected to load");
        }
    }
}
