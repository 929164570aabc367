using System.Globalization;
using SdWeb.Engine.Loading.Hub;

namespace SdWeb.Cli;

/// <summary>
/// What `models download` without a repository suggests: Stable Diffusion v1.5 where it lives now, the files the
/// download takes and how big they are. The downloader gets no file listing from the hub, so the sizes are the
/// published ones of stable-diffusion-v1-5/stable-diffusion-v1-5, written down here and labelled as such.
/// </summary>
internal static class StableDiffusion15Offer
{
    /// <summary>Published sizes in MB (10^6 bytes) of the weights: full precision and the fp16 variant.</summary>
    private static readonly Dictionary<string, (double Full, double Fp16)> WeightSizesMB = new()
    {
        ["unet/diffusion_pytorch_model.safetensors"] = (3438, 1719),
        ["vae/diffusion_pytorch_model.safetensors"] = (335, 167),
        ["text_encoder/model.safetensors"] = (492, 246),
    };

    /// <summary>model_index.json, the configs and the tokenizer's vocabulary and merges together.</summary>
    private const double SmallFilesMB = 2;

    public static string Text
    {
        get
        {
            var full = WeightSizesMB.Values.Sum(s => s.Full) + SmallFilesMB;
            var fp16 = WeightSizesMB.Values.Sum(s => s.Fp16) + SmallFilesMB;
            var files = string.Concat(HubDownloader.Files.Select(f => WeightSizesMB.TryGetValue(f, out var size)
                ? $"\n  {f,-42} {Size(size.Full)} (fp16 variant {Size(size.Fp16)})"
                : $"\n  {f}"));
            return "models download needs a repository id.\n" +
                   $"Stable Diffusion v1.5 lives at {HubDownloader.StableDiffusion15} (CreativeML OpenRAIL-M licence); to fetch it:\n" +
                   $"  SdWeb models download {HubDownloader.StableDiffusion15}    (about {Size(full)})\n" +
                   $"  SdWeb models download {HubDownloader.StableDiffusion15} --variant fp16    (about {Size(fp16)}; enough for fp16 on a GPU)\n" +
                   $"It takes these {HubDownloader.Files.Count} files (sizes as published on the hub for that repository, not asked for now):" +
                   files;
        }
    }

    private static string Size(double megabytes) => megabytes >= 1000
        ? (megabytes / 1000).ToString("0.0 GB", CultureInfo.InvariantCulture)
        : megabytes.ToString("0 MB", CultureInfo.InvariantCulture);
}
