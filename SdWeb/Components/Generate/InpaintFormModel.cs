using SdWeb.Engine.Imaging;
using SdWeb.Generation;

namespace SdWeb.Components.Generate;

/// <summary>AUTOMATIC1111's inpaint options on the Generate form; the mask itself comes from the painter at submit.</summary>
public sealed class InpaintFormModel
{
    private static readonly JobRequest Defaults = new();

    public int MaskBlur { get; set; } = Defaults.MaskBlur;
    public bool OnlyMasked { get; set; } = Defaults.InpaintOnlyMasked;
    public int Padding { get; set; } = Defaults.InpaintPadding;
    public bool Overlay { get; set; } = Defaults.MaskOverlay;

    /// <summary>The stored mask Reuse brought back, for the painter to start from; null = an empty canvas.</summary>
    public ReusedMask? Reused { get; set; }

    /// <summary>The request with this mask and these options; no mask = plain img2img, options left at their defaults.</summary>
    public JobRequest ApplyTo(JobRequest request, byte[]? mask) => mask is null ? request : request with
    {
        Mask = mask,
        MaskBlur = MaskBlur,
        InpaintOnlyMasked = OnlyMasked,
        InpaintPadding = Padding,
        MaskOverlay = Overlay,
    };

    /// <summary>A PNG's "Mask blur", "Inpaint area" and "Masked area padding"; what the text lacks keeps its value.</summary>
    public void Load(ImageParameters parameters)
    {
        MaskBlur = parameters.MaskBlur ?? MaskBlur;
        // A1111 writes "Inpaint area" only for "Only masked": in an inpainting text (it has "Mask blur") its absence is "Whole picture".
        if (parameters.MaskBlur is not null || parameters.InpaintOnlyMasked) OnlyMasked = parameters.InpaintOnlyMasked;
        Padding = parameters.InpaintPadding ?? Padding;
    }

    /// <summary>A stored request's options and its mask (Reuse).</summary>
    public void Load(JobRequest request)
    {
        Reused = request is { Mask: { } mask, SourceImageId: { } source } ? new ReusedMask(source, mask, request.InvertMask) : null;
        MaskBlur = request.MaskBlur;
        OnlyMasked = request.InpaintOnlyMasked;
        Padding = request.InpaintPadding;
        Overlay = request.MaskOverlay;
    }
}
