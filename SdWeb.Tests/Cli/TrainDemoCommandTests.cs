using SdWeb.Cli;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Cli;

/// <summary>In the <see cref="DemoTrainingCollection"/>, which runs alone (training sets process-wide libtorch state).</summary>
[Layer(Layer.Engine)]
[Collection("DemoTraining")]
public class TrainDemoCommandTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(["train-demo", .. args], output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task TrainsForGivenStepsShowingProgressAndWritesTheModel()
    {
        using var dir = new TempDir();
        var (code, output, error) = await Run("--out", dir["demo"], "--vae-steps", "1", "--unet-steps", "1", "--calibration-steps", "1", "--seed", "3");
        Assert.Equal(0, code);
        Assert.Contains("stage 1/3 vae  step 1  loss ", error);
        Assert.Contains("stage 2/3 text encoder + unet  step 1  loss ", error);
        Assert.Contains("stage 3/3 guidance calibration  step 1  loss ", error);
        Assert.Contains("wrote ", output);
        Assert.True(File.Exists(dir["demo/model/model_index.json"]));
        Assert.True(File.Exists(dir["demo/checkpoint/state.json"]));
    }

    [Theory]
    [InlineData(new[] { "--minutes", "5" }, "--out is required.")]
    [InlineData(new[] { "--out", "x", "--minutes", "0" }, "--minutes must be positive, not 0.")]
    [InlineData(new[] { "--out", "x", "--seed", "-2" }, "--seed must not be negative, not -2.")]
    [InlineData(new[] { "--out", "x", "--vae-steps", "0" }, "--vae-steps must be positive, not 0.")]
    [InlineData(new[] { "--out", "x", "--evaluate", "-1" }, "--evaluate must not be negative, not -1.")]
    [InlineData(new[] { "--out", "x", "--calibration-steps", "-1" }, "--calibration-steps must not be negative, not -1.")]
    public async Task BadValuesAreUsageErrors(string[] args, string message)
    {
        var (code, _, error) = await Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {message}\n", error.ReplaceLineEndings("\n"));
    }
}
