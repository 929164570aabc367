using SdWeb.Cli;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Cli;

[Layer(Layer.Engine)]
public class GenerateCommandTests
{
    [Fact]
    public async Task WritesOnePngPerImageInBatchOrderWithParameters()
    {
        using var dir = new TempDir();
        string[] args =
        [
            "--model", Golden.TinySdFolder, "--prompt", "a red house", "--prompt", "a blue car", "--negative", "blurry",
            "--images-per-prompt", "2", "--steps", "2", "--width", "64", "--height", "64", "--seed", "9", "--sampler", "dpmpp_2m",
            "--dtype", "fp32", "--threads", "1", "--out", dir.Path,
        ];
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await Command(output, error).RunAsync(new CliArgs(args), CancellationToken.None));
        Assert.Equal(Enumerable.Range(0, 4).Select(k => dir[$"{k}.png"]), output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("step 2/2", error.ToString());

        Assert.Equal(["0.png", "1.png", "2.png", "3.png"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        string[] expectedPrompts = ["a red house", "a red house", "a blue car", "a blue car"];
        for (int k = 0; k < 4; k++)
        {
            using var png = File.OpenRead(dir[$"{k}.png"]);
            var p = A1111ParametersText.Parse(ParametersPng.ReadText(png)!);
            Assert.Equal(expectedPrompts[k], p.Prompt);
            Assert.Equal("blurry", p.NegativePrompt);
            Assert.Equal((2, "dpmpp_2m", 7.5, 9L, 64, 64), (p.Steps, p.Sampler, p.CfgScale, p.Seed, p.Width, p.Height));
            Assert.Equal("tiny-sd", p.ModelName);
            Assert.Equal(("4", k.ToString()), (p.Settings["Batch size"], p.Settings["Batch pos"]));
        }
    }

    [Fact]
    public async Task AModelThatCannotLoadSaysWhy()
    {
        using var dir = new TempDir();
        var missing = dir["no-such-model"];
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Command(TextWriter.Null, TextWriter.Null).RunAsync(
            new CliArgs(["--model", missing, "--prompt", "a", "--width", "64", "--height", "64", "--out", dir["out"]]), CancellationToken.None));
        Assert.Equal($"{missing}: no such model file or folder.", e.Message);
        Assert.False(Directory.Exists(dir["out"]));
    }

    private static GenerateCommand Command(TextWriter output, TextWriter error) =>
        new(options => new PipelineFactory(options), GenerationLimits.Default, output, error);

    [Fact]
    public async Task BadInputExitsWithAUsageErrorCode() =>
        Assert.Equal(2, await CliApp.RunAsync(["generate", "--model", "m", "--prompt", "a", "--steps", "0", "--out", "o"]));

    [Fact]
    public async Task ALoadFailureExitsNonZero() =>
        Assert.Equal(1, await CliApp.RunAsync(["generate", "--model", "/nonexistent/model", "--prompt", "a", "--width", "64", "--height", "64", "--out", "o"]));
}
