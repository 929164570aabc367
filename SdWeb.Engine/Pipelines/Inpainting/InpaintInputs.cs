using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace SdWeb.Engine.Pipelines.Inpainting;

/// <summary>
/// The request's init image and mask after AUTOMATIC1111's preprocessing: invert, blur, and for "only masked" the crop
/// around the mask (resized to the generation size later, like the uncropped inputs).
/// </summary>
internal sealed class InpaintInputs : IDisposable
{
    /// <summary>The mask after invert and blur, at the init image's size (the overlay's alpha for "only masked").</summary>
    public Image<L8> FullMask { get; }

    /// <summary>Where the work area lies in the init image; null = the whole image.</summary>
    public CropRegion? Crop { get; }

    public Image<Rgb24> Image { get; }
    public Image<L8> Mask { get; }

    private InpaintInputs(Image<L8> fullMask, CropRegion? crop, Image<Rgb24> image, Image<L8> mask) =>
        (FullMask, Crop, Image, Mask) = (fullMask, crop, image, mask);

    public static InpaintInputs Prepare(GenerationRequest request)
    {
        var init = request.InitImage!;
        using var inverted = request.InvertMask ? MaskFilters.Inverted(request.Mask!) : null;
        var mask = MaskFilters.Blurred(inverted ?? request.Mask!, request.MaskBlur);
        if (!request.InpaintOnlyMasked)
            return new InpaintInputs(mask, null, init.Clone(), mask.Clone());
        var crop = CropRegion.AroundMask(mask, request.InpaintPadding)!.ExpandedTo(request.Width, request.Height, init.Width, init.Height);
        var rectangle = new Rectangle(crop.Left, crop.Top, crop.Width, crop.Height);
        return new InpaintInputs(mask, crop, init.Clone(c => c.Crop(rectangle)), mask.Clone(c => c.Crop(rectangle)));
    }

    public void Dispose()
    {
        FullMask.Dispose();
        Image.Dispose();
        Mask.Dispose();
    }
}
