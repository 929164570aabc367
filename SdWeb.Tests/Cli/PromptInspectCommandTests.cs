using System.Text.Json.Nodes;
using SdWeb.Cli;
using SdWeb.Tests.Prompts;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Cli;

/// <summary>`prompt inspect` run in-process through <see cref="CliApp"/> against features/prompt_syntax.json.</summary>
[Layer(Layer.Engine)]
public sealed class PromptInspectCommandTests
{
    public static IEnumerable<object[]> Prompts() => PromptSyntaxGolden.PromptIds();

    [Theory]
    [MemberData(nameof(Prompts))]
    public async Task PrintsWhatA1111Gives(string id)
    {
        var entry = PromptSyntaxGolden.Entry(id);
        var (code, stdout, stderr) = await Run(
            "prompt", "inspect", "--model", Golden.TinySdFolder, "--prompt", entry["prompt"]!.GetValue<string>(),
            "--steps", "20", "--hires-steps", "10", "--embeddings-dir", Golden.PathOf("features", "embeddings"));
        Assert.True(code == CliApp.Ok, stderr);

        var inspected = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(["prompt", "parse_prompt_attention", "schedules", "extra_networks", "multicond", "a1111_conditioning"], inspected.Select(p => p.Key));
        Assert.Equal(["steps_20", "steps_20_hires_10"], inspected["schedules"]!.AsObject().Select(p => p.Key));
        // p24's golden chunks come from CLIP's tokenizer without ftfy, SdWeb's with it: see PromptSyntaxGoldenTests.UnicodeWithoutFtfy.
        if (id == "p24") inspected.Remove("a1111_conditioning");
        PromptSyntaxGolden.AssertMatches(entry, inspected, id);
    }

    [Fact]
    public async Task WithoutHiresStepsOnlyTheMainSchedule()
    {
        var (code, stdout, _) = await Run("prompt", "inspect", "--model", Golden.TinySdFolder, "--prompt", "[cat:dog:0.5]", "--steps", "10");
        Assert.Equal(CliApp.Ok, code);
        Assert.Equal(["steps_10"], JsonNode.Parse(stdout)!["schedules"]!.AsObject().Select(p => p.Key));
    }

    [Theory]
    [InlineData("--steps", "0", "--steps")]
    [InlineData("--clip-skip", "2", "--clip-skip")]
    public async Task BadOptionsAreUsageErrorsNamingThem(string option, string value, string named)
    {
        var (code, _, stderr) = await Run(
            "prompt", "inspect", "--model", Golden.TinySdFolder, "--prompt", "a", "--steps", "5", option, value);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains(named, stderr);
    }

    [Fact]
    public async Task HelpListsTheOptions()
    {
        var (code, stdout, _) = await Run("prompt", "inspect", "--help");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("usage: SdWeb prompt inspect --model PATH --prompt TEXT --steps N [--hires-steps H] [--embeddings-dir DIR]", stdout);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
