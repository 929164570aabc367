using SdWeb.Gallery;

namespace SdWeb.ModelFiles;

/// <summary>
/// Where a file is used: the gallery search that finds the images made with it, and how many it finds. A checkpoint is
/// matched by the model name images store; a LoRA or embedding by its name in the prompts (its tag or trigger word).
/// </summary>
public sealed class ModelUsage(GallerySearch search)
{
    /// <returns>The gallery link and its number of images; null for a VAE (images do not record it yet).</returns>
    public async Task<(string Link, int Images)?> ImagesAsync(ModelFile file, CancellationToken ct)
    {
        var (query, link) = file.Kind switch
        {
            ModelKind.Checkpoint => (new GalleryQuery { ModelName = file.Name }, $"gallery?model={Uri.EscapeDataString(file.Name)}"),
            ModelKind.Lora or ModelKind.Embedding => (new GalleryQuery { Text = file.Name }, $"gallery?q={Uri.EscapeDataString(file.Name)}"),
            _ => (null, ""),
        };
        if (query is null) return null;
        return (link, (await search.SearchAsync(query, 0, 1, ct)).Total);
    }
}
