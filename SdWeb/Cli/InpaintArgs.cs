using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Storage;

namespace SdWeb.Cli;

/// <summary>
/// `generate`'s inpainting options. Without --mask-overlay the output is diffusers' raw image (the unmasked pixels pass
/// through the VAE); the web app keeps them exactly (AUTOMATIC1111's overlay) by default.
/// </summary>
public static class InpaintArgs
{
    private static readonly GenerationRequest Defaults = new() { Prompts = [] };

    public static IReadOnlyList<CliOption> Options { get; } =
    [
        new("mask", "FILE", "inpaint: an image of the init image's size, white = repaint (needs --init-image)"),
        new("mask-blur", "N", "inpaint: Gaussian blur of the mask in pixels, as AUTOMATIC1111 (default 0: none, as diffusers)"),
        new("mask-invert", null, "inpaint: repaint the black part instead (AUTOMATIC1111's \"Inpaint not masked\")"),
        new("inpaint-only-masked", null, "inpaint: work on the mask's area at full size and paste it back (AUTOMATIC1111's \"Only masked\")"),
        new("inpaint-padding", "N", $"inpaint: pixels around the mask's area with --inpaint-only-masked (default {Defaults.InpaintPadding})"),
        new("mask-overlay", null, "inpaint: keep the unmasked pixels exactly as in the init image (AUTOMATIC1111's overlay)"),
    ];

    /// <summary>The request with the inpainting options applied; the mask file is read here (the caller disposes it).</summary>
    public static GenerationRequest Apply(GenerationRequest request, CliArgs args, GenerationLimits limits)
    {
        var path = args.Get("mask");
        if (path is null)
        {
            var stray = Options.Skip(1).FirstOrDefault(o => o.IsFlag ? args.Flag(o.Name) : args.Get(o.Name) is not null);
            if (stray is not null) throw new CliUsageException($"--{stray.Name} only applies to inpainting; give --mask FILE too.");
            return request;
        }
        if (args.Get("inpaint-padding") is not null && !args.Flag("inpaint-only-masked"))
            throw new CliUsageException("--inpaint-padding only applies with --inpaint-only-masked.");
        return request with
        {
            Mask = Read(path, limits),
            MaskBlur = args.GetInt("mask-blur") ?? 0,
            InvertMask = args.Flag("mask-invert"),
            InpaintOnlyMasked = args.Flag("inpaint-only-masked"),
            InpaintPadding = args.GetInt("inpaint-padding") ?? Defaults.InpaintPadding,
            MaskOverlay = args.Flag("mask-overlay"),
        };
    }

    private static SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8> Read(string path, GenerationLimits limits)
    {
        if (!File.Exists(path)) throw new CliUsageException($"--mask: '{path}' does not exist; give the path of a PNG mask.");
        try
        {
            return MaskImage.Decode(File.ReadAllBytes(path), limits);
        }
        catch (InvalidUploadException e)
        {
            throw new CliUsageException($"--mask: '{path}': {e.Message}");
        }
    }
}
