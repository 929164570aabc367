using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;

namespace SdWeb.Engine.Pipelines.Inpainting;

/// <summary>diffusers' mask_processor: grayscale, resized (Lanczos) to the generation size, /255, binarized at 0.5.</summary>
internal static class MaskTensors
{
    /// <returns>[1, 1, height, width] float32 on the CPU, 1 = repaint.</returns>
    public static torch.Tensor Binarized(Image<L8> mask, int width, int height)
    {
        using var resized = mask.Width == width && mask.Height == height ? null : mask.Clone(c => c.Resize(width, height, KnownResamplers.Lanczos3));
        var source = resized ?? mask;
        var bytes = new byte[width * height];
        source.CopyPixelDataTo(bytes);
        using var scope = torch.NewDisposeScope();
        var values = torch.tensor(bytes, [1, 1, height, width]).to(torch.ScalarType.Float32) / 255.0f;
        return (values >= 0.5f).to(torch.ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
