using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using SdWeb.Engine.Loading.Diffusers;

namespace SdWeb.Engine.Loading.Hub;

/// <summary>
/// Downloads a Stable Diffusion v1 diffusers repository from the Hugging Face hub (<c>{base}/{repo}/resolve/{rev}/{path}</c>)
/// into the models folder: model_index.json, each component's config, safetensors weights (never pickles) and the
/// tokenizer files. Each file goes to a <c>.partial</c> file, resumed with a Range request after an interruption, and is
/// renamed when complete; model_index.json is put in place last, so the model only appears in the catalog once whole.
/// </summary>
public sealed partial class HubDownloader(HttpClient http, HubDownloadOptions options)
{
    private const string PartialSuffix = ".partial";

    private static readonly string[] ConfigFiles =
    [
        "unet/config.json", "vae/config.json", "text_encoder/config.json", "scheduler/scheduler_config.json",
        "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json",
    ];

    private static readonly (string Dir, string BaseName)[] WeightFiles =
    [
        ("unet", DiffusersFolder.UNetWeightsBaseName), ("vae", DiffusersFolder.UNetWeightsBaseName),
        ("text_encoder", DiffusersFolder.TextEncoderWeightsBaseName),
    ];

    /// <summary>The files a download takes: model_index.json, configs, tokenizer and the full-precision weights.</summary>
    /// <summary>Where Stable Diffusion v1.5 lives on the hub since RunwayML's repository was deleted (September 2024).</summary>
    public const string StableDiffusion15 = "stable-diffusion-v1-5/stable-diffusion-v1-5";

    public static IReadOnlyList<string> Files { get; } =
    [
        DiffusersFolder.ModelIndexFileName, .. ConfigFiles, .. WeightFiles.Select(w => $"{w.Dir}/{w.BaseName}.safetensors"),
    ];

    /// <summary>Optional files: repositories without them still load.</summary>
    private static readonly HashSet<string> Optional = ["tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json"];

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex RepoId();

    /// <summary>The folder a repository downloads into: its name under the models folder.</summary>
    public static string TargetFolder(string repo, string modelsDir)
    {
        if (!RepoId().IsMatch(repo) || repo.Contains(".."))
            throw new ArgumentException($"'{repo}' is not a Hugging Face repository id (owner/name, e.g. {MovedRepositories.StableDiffusion15}).");
        return Path.Combine(modelsDir, repo.Split('/')[1]);
    }

    /// <returns>The downloaded model folder.</returns>
    public async Task<string> DownloadAsync(string repo, string modelsDir, Action<DownloadProgress>? progress, CancellationToken ct)
    {
        var target = TargetFolder(repo, modelsDir);
        var index = Path.Combine(target, DiffusersFolder.ModelIndexFileName);
        var stagedIndex = Path.Combine(target, "." + DiffusersFolder.ModelIndexFileName);
        var plan = ConfigFiles.Select(f => (Candidates: new[] { f }, IsWeights: false))
            .Concat(WeightFiles.Select(w => (Candidates: WeightCandidates(w.Dir, w.BaseName), IsWeights: true))).ToList();
        int count = plan.Count + 1;

        if (File.Exists(index)) return target;
        if (!await FetchAsync(repo, DiffusersFolder.ModelIndexFileName, stagedIndex, 0, count, progress, ct))
            throw new ModelLoadException($"{repo}: the repository has no {DiffusersFolder.ModelIndexFileName}; it is not a diffusers model (or the id is misspelt).");
        DiffusersFolder.CheckModelIndex(stagedIndex);
        for (int i = 0; i < plan.Count; i++)
        {
            var (candidates, isWeights) = plan[i];
            bool fetched = false;
            foreach (var file in candidates)
            {
                fetched = await FetchAsync(repo, file, Path.Combine(target, file), i + 1, count, progress, ct);
                if (fetched) break;
            }
            if (!fetched && !Optional.Contains(candidates[0]))
                throw new ModelLoadException(isWeights
                    ? $"{repo}: the repository has no safetensors weights for {Path.GetDirectoryName(candidates[0])} ({string.Join(" or ", candidates)}). " +
                      "Pickle weights (.bin) are never downloaded, since loading them can run arbitrary code; choose a repository with .safetensors files."
                    : $"{repo}: the repository has no {candidates[0]}; it is not a diffusers Stable Diffusion v1 repository.");
        }
        File.Move(stagedIndex, index);
        return target;
    }

    private string[] WeightCandidates(string dir, string baseName) => options.PreferFp16
        ? [$"{dir}/{baseName}.fp16.safetensors", $"{dir}/{baseName}.safetensors"]
        : [$"{dir}/{baseName}.safetensors"];

    /// <returns>False when the hub has no such file (404).</returns>
    private async Task<bool> FetchAsync(string repo, string file, string destination, int fileIndex, int fileCount,
        Action<DownloadProgress>? progress, CancellationToken ct)
    {
        if (File.Exists(destination)) return true; // completed by an earlier run
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var partial = destination + PartialSuffix;
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{options.BaseUrl.TrimEnd('/')}/{repo}/resolve/{Uri.EscapeDataString(options.Revision)}/{file}");
        if (options.Token is { Length: > 0 } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);

        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound when HubError.CodeOf(response) is null or HubError.EntryNotFound:
                return false;
            case HttpStatusCode.RequestedRangeNotSatisfiable: // the partial file already holds everything
                break;
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound:
                throw new ModelLoadException(HubError.Explain(repo, file, options.Revision, response, hasToken: options.Token is { Length: > 0 }));
            case HttpStatusCode.OK or HttpStatusCode.PartialContent:
            {
                bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
                if (!resumed) have = 0;
                long? total = response.Content.Headers.ContentLength + have;
                await using (var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                await using (var input = await response.Content.ReadAsStreamAsync(ct))
                {
                    var buffer = new byte[1 << 16];
                    int n;
                    progress?.Invoke(new DownloadProgress(file, fileIndex, fileCount, have, total));
                    while ((n = await input.ReadAsync(buffer, ct)) > 0)
                    {
                        await output.WriteAsync(buffer.AsMemory(0, n), ct);
                        have += n;
                        progress?.Invoke(new DownloadProgress(file, fileIndex, fileCount, have, total));
                    }
                }
                if (total is { } expected && have != expected)
                    throw new IOException($"{repo}: {file} ended after {have} of {expected} bytes; run the download again to resume.");
                break;
            }
            default:
                throw new IOException($"{repo}: downloading {file} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
        File.Move(partial, destination);
        return true;
    }
}
