using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;

namespace SdWeb.Engine.Imaging;

/// <summary>Conversions between ImageSharp images and the tensors the pipeline uses, as diffusers' VaeImageProcessor does them.</summary>
internal static class TensorImages
{
    /// <summary>
    /// An image as VAE input: resized to <paramref name="width"/> × <paramref name="height"/> (Lanczos3) when it differs,
    /// then [1, 3, H, W] in [-1, 1] (x / 255 · 2 − 1, in float32 like diffusers), on <paramref name="device"/> in <paramref name="dtype"/>.
    /// </summary>
    public static torch.Tensor ToModelInput(Image<Rgb24> image, int width, int height, torch.Device device, torch.ScalarType dtype)
    {
        using var resized = image.Width == width && image.Height == height
            ? null
            : image.Clone(c => c.Resize(width, height, KnownResamplers.Lanczos3));
        var source = resized ?? image;
        var bytes = new byte[width * height * 3];
        source.CopyPixelDataTo(bytes);
        using var scope = torch.NewDisposeScope();
        var hwc = torch.tensor(bytes, [height, width, 3]).to(torch.ScalarType.Float32) / 255.0f;
        var chw = (hwc.permute(2, 0, 1).unsqueeze(0) * 2.0f - 1.0f).contiguous();
        return chw.to(dtype, device).MoveToOuterDisposeScope();
    }

    /// <summary>A decoded VAE output [N, 3, H, W] to diffusers' "np" images [N, H, W, 3]: (x / 2 + 0.5).clamp(0, 1), float32 on the CPU.</summary>
    public static torch.Tensor Postprocess(torch.Tensor decoded)
    {
        using var scope = torch.NewDisposeScope();
        var images = (decoded / 2 + 0.5).clamp(0, 1).permute(0, 2, 3, 1).to(torch.ScalarType.Float32).cpu().contiguous();
        return images.MoveToOuterDisposeScope();
    }

    /// <summary>[H, W, 3] values in [0, 1] to RGB bytes, (x · 255).round() like diffusers' numpy_to_pil.</summary>
    public static byte[] ToRgbBytes(torch.Tensor hwc)
    {
        using var scope = torch.NewDisposeScope();
        var bytes = (hwc.to(torch.ScalarType.Float32) * 255).round().to(torch.ScalarType.Byte).cpu().contiguous();
        return bytes.data<byte>().ToArray();
    }

    public static Image<Rgb24> ToImage(torch.Tensor hwc) =>
        Image.LoadPixelData<Rgb24>(ToRgbBytes(hwc), (int)hwc.shape[1], (int)hwc.shape[0]);
}
