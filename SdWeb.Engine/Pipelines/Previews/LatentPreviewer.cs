using SdWeb.Engine.Imaging;
using TorchSharp;

namespace SdWeb.Engine.Pipelines.Previews;

/// <summary>
/// The cheap preview: SD1 latents → RGB through a fixed 4×3 linear map (rows = latent channels, columns = R, G, B),
/// then ((x + 1) / 2).clamp(0, 1) · 255. One pixel per latent, so an eighth of the image size.
/// </summary>
internal sealed class LatentPreviewer : IDisposable
{
    public static readonly float[,] Sd1Factors =
    {
        { 0.3512f, 0.2297f, 0.3227f },
        { 0.3250f, 0.4974f, 0.2350f },
        { -0.2829f, 0.1762f, 0.2721f },
        { -0.2120f, -0.2616f, -0.7177f },
    };

    private readonly torch.Tensor _factors;

    public LatentPreviewer(torch.Device device)
    {
        _factors = torch.tensor(Sd1Factors, device: device).DetachFromDisposeScope();
    }

    /// <summary>Preview of one latent image [4, h, w].</summary>
    public PreviewImage Preview(torch.Tensor latent)
    {
        using var scope = torch.NewDisposeScope();
        var rgb = torch.einsum("chw,cr->hwr", latent.to(torch.ScalarType.Float32), _factors);
        var bytes = TensorImages.ToRgbBytes(((rgb + 1) / 2).clamp(0, 1));
        return new PreviewImage((int)latent.shape[2], (int)latent.shape[1], bytes, IsFullDecode: false);
    }

    public void Dispose() => _factors.Dispose();
}
