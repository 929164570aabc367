using SdWeb.Data;
using SdWeb.Generation;

namespace SdWeb.Gallery;

/// <summary>
/// Reproduce: the stored image's parameters exactly (its seed locked, one image) on the kernels it was made with,
/// marked as a re-run of it.
/// </summary>
public static class ReproduceRequest
{
    public static JobRequest For(ImageRecord image) =>
        JobRequests.FromImage(image) with { ReproducesImageId = image.Id, Kernels = image.Kernels };
}
