using SdWeb.Cli;

namespace SdWeb.Tests.Cli;

/// <summary>The command line refuses what it does not know, explains every verb, and leaves host settings to the web app.</summary>
[Layer(Layer.Engine)]
public class CliAppTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AMistypedOptionIsNamedNotIgnored()
    {
        var (code, output, error) = await Run("generate", "--model", "m", "--prompt", "a", "--sed", "5", "--out", "o");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: unknown option --sed for 'generate'. Did you mean --seed?\nusage: SdWeb generate --model PATH --prompt TEXT… ", error);
    }

    [Fact]
    public async Task AnUnknownVerbIsNamedAndTheVerbsListed()
    {
        var (code, _, error) = await Run("frobnicate");
        Assert.Equal(2, code);
        Assert.StartsWith("error: unknown command 'frobnicate'.\n", error);
        foreach (var verb in new[] { "generate", "tokenize", "prompt", "models", "bench" })
            Assert.Matches($@"\n  {verb} +\S", error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task HelpListsTheVerbsAndExitCodes(string help)
    {
        var (code, output, _) = await Run(help);
        Assert.Equal(0, code);
        Assert.StartsWith("usage: SdWeb VERB [options]", output);
        Assert.Contains("Exit codes: 0 done, 1 failed, 2 wrong command line, 130 cancelled.", output);
    }

    /// <summary>Every option each verb took before it had a syntax, so none was lost.</summary>
    public static TheoryData<string[], string[]> VerbOptions() => new()
    {
        {
            ["generate"],
            ["model", "prompt", "negative", "seed", "steps", "cfg", "sampler", "width", "height", "images-per-prompt", "init-image",
             "strength", "vae", "prompt-syntax", "clip-skip", "pad-cond-uncond", "lora-dir", "embeddings-dir", "timestep-spacing",
             "subseed", "subseed-strength", "mask", "mask-blur", "mask-invert", "inpaint-only-masked", "inpaint-padding", "mask-overlay",
             "hires-upscaler", "hires-scale", "hires-steps", "hires-denoise", "dtype", "device", "threads", "attention", "convolutions", "SdWeb:DataDir", "out"]
        },
        { ["tokenize"], ["model", "prompt"] },
        { ["prompt", "inspect"], ["model", "prompt", "steps", "hires-steps", "embeddings-dir"] },
        { ["bench"], ["model", "pipeline", "component", "size", "steps", "sampler", "runs", "generations", "vae", "dtype", "device", "threads", "attention", "convolutions", "SdWeb:DataDir"] },
        { ["models", "inspect"], ["vae"] },
        { ["models", "download"], ["models-dir", "revision", "variant", "hub-url"] },
        { ["models", "create-random"], ["preset", "out", "seed"] },
        { ["models", "score-demo"], ["model", "captions", "seed", "cfg-scale", "grid"] },
        { ["train-demo"], ["out", "seed", "vae-steps", "unet-steps", "calibration-steps", "minutes", "evaluate", "resume"] },
    };

    [Theory]
    [MemberData(nameof(VerbOptions))]
    public async Task EachVerbExplainsItsOptions(string[] verb, string[] options)
    {
        var (code, output, error) = await Run([.. verb, "--help"]);
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.StartsWith($"usage: SdWeb {string.Join(' ', verb)}", output);
        foreach (var option in options) Assert.Matches($@"\n  --{option}\b.* \w", output);
        Assert.Equal(options.Order(), OptionsListed(output).Order());
    }

    [Fact]
    public async Task HelpAfterOtherArgumentsStillExplains()
    {
        var (code, output, _) = await Run("generate", "--model", "m", "--help");
        Assert.Equal(0, code);
        Assert.StartsWith("usage: SdWeb generate", output);
    }

    [Fact]
    public async Task ModelsHelpListsItsVerbs()
    {
        var (code, output, _) = await Run("models", "--help");
        Assert.Equal(0, code);
        Assert.StartsWith("usage: SdWeb models inspect PATH [--vae PATH]\n       SdWeb models download [REPO]", output);
        foreach (var verb in new[] { "inspect", "download", "create-random", "pack-demo", "score-demo" }) Assert.Matches($@"\n  {verb} +\S", output);
    }

    [Theory]
    [InlineData(new[] { "generate", "--prompt", "a", "--out", "o" }, "--model is required.")]
    [InlineData(new[] { "tokenize", "--model", "m" }, "--prompt is required.")]
    [InlineData(new[] { "models", "create-random", "--preset", "tiny" }, "--out is required.")]
    [InlineData(new[] { "bench", "--component", "unet" }, "--model is required.")]
    [InlineData(new[] { "generate", "--model" }, "--model needs a value.")]
    [InlineData(new[] { "bench", "--model", "m", "--pipeline=yes" }, "--pipeline is a flag and takes no value.")]
    public async Task AMissingOrMalformedOptionIsAUsageError(string[] args, string message)
    {
        var (code, _, error) = await Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {message}\nusage: SdWeb {args[0]}", error);
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5000" }, false)]
    [InlineData(new[] { "--SdWeb:DataDir=/srv/sd" }, false)]
    [InlineData(new[] { "--environment=Development", "--contentRoot=/app" }, false)] // as WebApplicationFactory starts the app
    [InlineData(new[] { "urls=http://127.0.0.1:5000" }, false)]
    [InlineData(new[] { "/urls", "http://127.0.0.1:5000" }, false)]
    [InlineData(new[] { "generate", "--model", "m" }, true)]
    [InlineData(new[] { "frobnicate" }, true)]
    [InlineData(new[] { "--help" }, true)]
    public void HostSettingsGoToTheWebAppAndWordsToTheCommandLine(string[] args, bool commandLine) =>
        Assert.Equal(commandLine, CliApp.IsCommandLine(args));

    private static IEnumerable<string> OptionsListed(string help) =>
        help[help.IndexOf("\noptions:\n", StringComparison.Ordinal)..].Split('\n')
            .Where(l => l.StartsWith("  --", StringComparison.Ordinal) && !l.StartsWith("  --help", StringComparison.Ordinal))
            .Select(l => l[4..].Split(' ')[0]);
}
