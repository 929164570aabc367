using System.Text.Json;
using SdWeb.Cli;
using SdWeb.Engine.Loading;
using SdWeb.Tests.Support;
using SdWeb.Tests.Tokenization;

namespace SdWeb.Tests.Cli;

[Layer(Layer.Engine)]
public class TokenizeCommandTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new TokenizeCommand(output, error).RunAsync(new CliArgs(args), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [MemberData(nameof(TokenizerGoldenCase.Indexes), MemberType = typeof(TokenizerGoldenCase))]
    public async Task PrintsTheGoldenInputIdsAsOneJsonArray(int index)
    {
        var golden = TokenizerGoldenCase.All[index];
        var (code, output, _) = await Run("--model", Golden.TinySdFolder, "--prompt", golden.Prompt);

        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Equal(golden.InputIds, JsonSerializer.Deserialize<int[]>(lines[0]));
    }

    [Fact]
    public async Task WarnsOnStandardErrorWhenThePromptIsCut()
    {
        var golden = TokenizerGoldenCase.All.First(c => c.UntruncatedInputIds.Length > 77);
        var (_, _, error) = await Run("--model", Golden.TinySdFolder, "--prompt", golden.Prompt);
        int cut = golden.UntruncatedInputIds.Length - 77;
        Assert.Equal($"warning: the prompt has {golden.UntruncatedInputIds.Length - 2} tokens; the last {cut} do not fit and were cut off.",
            error.Trim());
    }

    [Fact]
    public async Task MissingPromptIsAUsageError()
    {
        var e = await Assert.ThrowsAsync<CliUsageException>(() => Run("--model", Golden.TinySdFolder));
        Assert.Equal("--prompt is required.", e.Message);
    }

    [Theory]
    [InlineData("--steps", "unknown option --steps for 'tokenize'.")]
    [InlineData("extra", "unexpected argument 'extra' for 'tokenize'.")]
    public async Task UnknownArgumentsAreAUsageError(string extra, string message)
    {
        var error = new StringWriter();
        var code = await CliApp.RunAsync(["tokenize", "--model", Golden.TinySdFolder, "--prompt", "a", extra, "3"], TextWriter.Null, error,
            CancellationToken.None);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {message}\n", error.ToString());
    }

    [Fact]
    public async Task SingleFileCheckpointUsesTheStandardClipTokenizer()
    {
        foreach (var golden in TokenizerGoldenCase.All.Take(5))
        {
            var (code, output, _) = await Run("--model", Golden.TinySdCheckpoint, "--prompt", golden.Prompt);
            Assert.Equal(0, code);
            Assert.Equal(golden.InputIds, JsonSerializer.Deserialize<int[]>(output));
        }
    }

    [Fact]
    public async Task MissingModelIsAModelLoadError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}");
        var e = await Assert.ThrowsAsync<ModelLoadException>(() => Run("--model", path, "--prompt", "a"));
        Assert.Equal($"{path}: no such model file or folder.", e.Message);
    }
}
