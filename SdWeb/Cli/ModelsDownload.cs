using SdWeb.Engine.Loading.Hub;

namespace SdWeb.Cli;

/// <summary>`models download REPO`: fetches a diffusers repository from the Hugging Face hub into the models folder.</summary>
internal static class ModelsDownload
{
    public const string DefaultModelsDir = "models";

    public static CliSyntax Syntax { get; } =
        new("models download", "Fetch a diffusers repository from the Hugging Face hub into the models folder (token: HF_TOKEN). " +
                               "Without REPO, says what to download for Stable Diffusion v1.5.")
        {
            Positionals = ["[REPO]"],
            Options =
            [
                new("models-dir", "DIR", $"models folder (default {DefaultModelsDir})"),
                new("revision", "REV", "branch, tag or commit (default main)"),
                new("variant", "fp16", "fetch the half-size *.fp16.safetensors weights where the repository has them"),
                new("hub-url", "URL", "the hub (default HF_ENDPOINT, else https://huggingface.co)"),
            ],
        };

    public static async Task<int> RunAsync(CliArgs args, List<string> positional, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (positional.Count == 0) throw new CliUsageException(StableDiffusion15Offer.Text);
        var variant = args.Get("variant");
        if (variant is not (null or "fp16")) throw new CliUsageException($"--variant can only be fp16, not '{variant}'.");
        var options = new HubDownloadOptions
        {
            BaseUrl = args.Get("hub-url") ?? Environment.GetEnvironmentVariable("HF_ENDPOINT") ?? new HubDownloadOptions().BaseUrl,
            Revision = args.Get("revision") ?? "main",
            Token = Environment.GetEnvironmentVariable("HF_TOKEN"),
            PreferFp16 = variant == "fp16",
        };
        var repo = positional[0];
        var modelsDir = args.Get("models-dir") ?? DefaultModelsDir;

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var bar = new DownloadProgressBar(error);
        var folder = await new HubDownloader(http, options).DownloadAsync(repo, modelsDir, bar.Report, ct);
        bar.Finish();
        await output.WriteLineAsync($"downloaded {repo} to {folder}");
        return 0;
    }
}
