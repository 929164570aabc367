using SdWeb.Cli;
using SdWeb.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Cli;

/// <summary>
/// Bad inpainting, hires-fix and variation options through `generate`: a usage error (exit 2) naming the option, and no
/// file written. A mask of another size than the init image is refused, not resized.
/// </summary>
[Layer(Layer.Engine)]
public sealed class GenerateCommandInpaintHiresValidationTests : IDisposable
{
    private readonly TempDir _dir = new();

    private static string InitImage => Golden.PathOf("pipelines", "init_image.png");

    [Fact]
    public async Task AMaskOfAnotherSizeIsRefused()
    {
        var mask = SaveMask(32, 32, 255);
        var stderr = await FailsWithUsageError("--init-image", InitImage, "--mask", mask);
        Assert.Contains("error: --mask: The mask is 32x32 but the init image is 64x64", stderr);
    }

    [Fact]
    public async Task AnEmptyMaskIsRefused()
    {
        var mask = SaveMask(64, 64, 0);
        var stderr = await FailsWithUsageError("--init-image", InitImage, "--mask", mask);
        Assert.Contains("error: --mask: The mask is empty", stderr);
    }

    [Fact]
    public async Task AMaskThatIsNotAnImageIsRefused()
    {
        var mask = _dir["mask.png"];
        await File.WriteAllTextAsync(mask, "not a png");
        var stderr = await FailsWithUsageError("--init-image", InitImage, "--mask", mask);
        Assert.Contains("error: --mask: ", stderr);
        Assert.Contains("not a readable image", stderr);
    }

    [Fact]
    public async Task AMaskWithoutAnInitImageIsRefused()
    {
        var stderr = await FailsWithUsageError("--mask", SaveMask(64, 64, 255));
        Assert.Contains("error: --mask: A mask needs an init image", stderr);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("16")]
    public async Task AHiresScaleOutOfRangeIsRefused(string scale)
    {
        var stderr = await FailsWithUsageError("--hires-scale", scale);
        Assert.Contains($"error: --hires-*: Hires scale must be more than 1 and at most 4, not {scale}.", stderr);
    }

    [Fact]
    public async Task HiresWithAnInitImageIsRefused()
    {
        var stderr = await FailsWithUsageError("--init-image", InitImage, "--hires-scale", "2");
        Assert.Contains("error: --hires-*: Hires fix is for txt2img", stderr);
    }

    [Fact]
    public async Task ASubseedStrengthOfTwoIsRefused()
    {
        var stderr = await FailsWithUsageError("--subseed", "5", "--subseed-strength", "2");
        Assert.Contains("error: --subseed-strength: Variation seed strength (SubseedStrength) must be between 0 and 1, not 2.", stderr);
    }

    private string SaveMask(int width, int height, byte value)
    {
        var path = _dir[$"mask-{width}x{height}-{value}.png"];
        using var mask = new Image<L8>(width, height, new L8(value));
        mask.SaveAsPng(path);
        return path;
    }

    private async Task<string> FailsWithUsageError(params string[] extra)
    {
        var outDir = _dir["out"];
        var error = new StringWriter();
        var code = await CliApp.RunAsync(
            ["generate", "--model", Golden.TinySdFolder, "--prompt", "a cat", "--width", "64", "--height", "64", .. extra, "--out", outDir],
            TextWriter.Null, error, CancellationToken.None);
        Assert.True(code == CliApp.UsageError, error.ToString());
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "nothing may be written");
        return error.ToString();
    }

    public void Dispose() => _dir.Dispose();
}
