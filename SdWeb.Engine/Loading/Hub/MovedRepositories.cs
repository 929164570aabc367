namespace SdWeb.Engine.Loading.Hub;

/// <summary>
/// Repositories that left the hub under one name and live on under another. RunwayML deleted its Stable Diffusion
/// repositories in September 2024; the same files are kept at stable-diffusion-v1-5/*, and guides still name the old ones.
/// </summary>
internal static class MovedRepositories
{
    public const string StableDiffusion15 = HubDownloader.StableDiffusion15;

    private static readonly Dictionary<string, string> NewNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["runwayml/stable-diffusion-v1-5"] = StableDiffusion15,
        ["runwayml/stable-diffusion-inpainting"] = "stable-diffusion-v1-5/stable-diffusion-inpainting",
    };

    /// <returns>Where a moved repository lives now, or null.</returns>
    public static string? NewNameOf(string repo) => NewNames.GetValueOrDefault(repo);
}
