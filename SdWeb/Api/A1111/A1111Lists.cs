using System.Diagnostics;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;
using SdWeb.Options;

namespace SdWeb.Api.A1111;

/// <summary>
/// AUTOMATIC1111's lists (<c>GET samplers</c>, <c>sd-models</c>, <c>loras</c>, …) in its shapes, from what SdWeb has now:
/// the folders are read on every call, so <c>refresh-*</c> have nothing to do. What SdWeb lacks lists empty.
/// </summary>
public static class A1111Lists
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/samplers", () => SamplerNames.All.Select(name => new
        {
            name = SamplerNames.ToA1111(name), aliases = new[] { name }, options = new Dictionary<string, string>(),
        }));
        api.MapGet("/schedulers", () => A1111Translation.Schedulers.Select(s => new { name = s.ToLowerInvariant(), label = s }));
        api.MapGet("/sd-models", SdModels);
        api.MapGet("/sd-vae", (VaeLibrary vaes) => vaes.All().Select(v => new { model_name = v.Name, filename = v.Path }));
        api.MapGet("/loras", (NetworkLibrary networks) => networks.Loras().Select(l => new
        {
            name = l.Name, alias = l.Name, path = l.Path, metadata = new Dictionary<string, string>(),
        }));
        api.MapGet("/embeddings", Embeddings);
        api.MapGet("/hypernetworks", () => Array.Empty<object>());
        api.MapGet("/face-restorers", () => Array.Empty<object>());
        api.MapGet("/realesrgan-models", () => Array.Empty<object>());
        api.MapGet("/upscalers", () => new[] { "None", "Lanczos" }.Select(name => new
        {
            name, model_name = (string?)null, model_path = (string?)null, model_url = (string?)null, scale = 4.0,
        }));
        api.MapGet("/latent-upscale-modes", () => new[] { "Latent", "Latent (nearest)" }.Select(name => new { name }));
        api.MapGet("/prompt-styles", async (PromptStyleLibrary styles, CancellationToken ct) => (await styles.ListAsync(ct)).Select(s => new
        {
            name = s.Name, prompt = s.Prompt, negative_prompt = s.NegativePrompt,
        }));
        api.MapGet("/scripts", () => new { txt2img = Array.Empty<string>(), img2img = Array.Empty<string>() });
        api.MapGet("/memory", Memory);
        api.MapPost("/refresh-checkpoints", () => Results.Json<object?>(null));
        api.MapPost("/refresh-loras", () => Results.Json<object?>(null));
        api.MapPost("/refresh-vae", () => Results.Json<object?>(null));
        api.MapGet("/cmd-flags", () => new { api = true, nowebui = false, api_auth = (string?)null, listen = true, server_name = "SdWeb" });
    }

    /// <summary>Checkpoints with A1111's hashes: <c>sha256</c> of the hashed file, <c>hash</c> its first 10 digits, <c>title</c> "name [hash]".</summary>
    private static IEnumerable<object> SdModels(IModelLibrary library, SdWebOptions options)
    {
        var entries = ModelCatalog.Discover(options.ModelsPath).ToDictionary(e => e.Name);
        foreach (var name in library.Names())
        {
            var sha256 = entries.TryGetValue(name, out var entry) ? Sha256OrNull(entry) : null;
            var hash = sha256?[..10];
            yield return new
            {
                title = hash is null ? name : $"{name} [{hash}]",
                model_name = name,
                hash,
                sha256,
                filename = entry?.Path ?? name,
                config = (string?)null,
            };
        }
    }

    /// <summary>A model whose weights file is missing or unreadable lists without a hash instead of failing the list.</summary>
    private static string? Sha256OrNull(ModelEntry entry)
    {
        try { return ModelCatalog.Sha256(entry); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelLoadException) { return null; }
    }

    /// <summary>
    /// Readable embeddings are "loaded"; pickles and damaged files (no hash) are "skipped", as A1111 skips what it cannot
    /// load. As A1111, <c>shape</c> is the vectors' width and <c>vectors</c> their number, both from the file's header.
    /// </summary>
    private static object Embeddings(NetworkLibrary networks)
    {
        var all = networks.Embeddings();
        static Dictionary<string, object?> Items(IEnumerable<NetworkFile> files) => files.ToDictionary(f => f.Name, f => (object?)new
        {
            step = (int?)null, sd_checkpoint = (string?)null, sd_checkpoint_name = (string?)null, shape = f.TextWidth, vectors = f.Vectors, hash = f.ShortHash,
        });
        return new { loaded = Items(all.Where(f => f.ShortHash.Length > 0)), skipped = Items(all.Where(f => f.ShortHash.Length == 0)) };
    }

    /// <summary>This process's memory as A1111's <c>ram</c>; <c>cuda</c> says when there is no CUDA device to report.</summary>
    private static object Memory()
    {
        var gc = GC.GetGCMemoryInfo();
        using var process = Process.GetCurrentProcess();
        var total = gc.TotalAvailableMemoryBytes;
        var used = process.WorkingSet64;
        return new
        {
            ram = new { free = Math.Max(0, total - used), used, total },
            cuda = new { error = "SdWeb does not report CUDA memory through this API." },
        };
    }
}
