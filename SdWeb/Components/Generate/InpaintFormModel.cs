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

    /// <summary>The request with this mask and these options; no mask = plain img2img, options left at their defaults.</summary>
    public JobRequest ApplyTo(JobRequest request, byte[]? mask) => mask is null ? request : request with
    {
        Mask = mask,
        MaskBlur = MaskBlur,
        InpaintOnlyMasked = OnlyMasked,
        InpaintPadding = Padding,
        MaskOverlay = Overlay,
    };

    public void Load(JobRequest request)
    {
        MaskBlur = request.MaskBlur;
        OnlyMasked = request.InpaintOnlyMasked;
        Padding = request.InpaintPadding;
        Overlay = request.MaskOverlay;
    }
}
