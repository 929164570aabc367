namespace SdWeb.Engine.Pipelines.Hires;

/// <summary>
/// AUTOMATIC1111's hires fix: the request's Width × Height first, then an img2img pass at the target size.
/// The target is <see cref="TargetWidth"/> × <see cref="TargetHeight"/> when both are given, else Width·Scale × Height·Scale;
/// either way rounded down to a multiple of 8 (A1111 works on target / 8 latents).
/// </summary>
public sealed record HiresFix
{
    /// <summary>A1111's slider range; larger factors are refused (they also exceed any pixel budget).</summary>
    public const double MinScale = 1.0, MaxScale = 4.0;

    public HiresUpscaler Upscaler { get; init; } = HiresUpscaler.Latent;

    /// <summary>Enlargement factor, more than 1 and at most 4.</summary>
    public double Scale { get; init; } = 2.0;

    /// <summary>Steps of the second pass; 0 = the first pass's steps (A1111).</summary>
    public int Steps { get; init; }

    /// <summary>Denoising strength of the second pass, in (0, 1].</summary>
    public double Denoise { get; init; } = 0.7;

    public int? TargetWidth { get; init; }
    public int? TargetHeight { get; init; }

    public int WidthFor(int width) => TargetWidth ?? RoundDown8(width * Scale);

    public int HeightFor(int height) => TargetHeight ?? RoundDown8(height * Scale);

    /// <summary>
    /// A1111's hires pass: int(steps / min(denoise, 0.999)) scheduler steps (setup_img2img_steps), of which img2img runs
    /// the last int(that · denoise).
    /// </summary>
    public int ScheduleSteps(int baseSteps) => (int)((Steps == 0 ? baseSteps : Steps) / Math.Min(Denoise, 0.999));

    /// <summary>AUTOMATIC1111's name of an upscaler, as its PNG parameters and API write it.</summary>
    public static string A1111Name(HiresUpscaler upscaler) => upscaler switch
    {
        HiresUpscaler.LatentNearest => "Latent (nearest)",
        HiresUpscaler.Lanczos => "Lanczos",
        _ => "Latent",
    };

    /// <summary>An upscaler by AUTOMATIC1111's name ("Latent (nearest)") or the CLI's (latent-nearest), any case; null when unknown.</summary>
    public static HiresUpscaler? ParseUpscaler(string name) => name.Trim().ToLowerInvariant() switch
    {
        "latent" => HiresUpscaler.Latent,
        "latent (nearest)" or "latent-nearest" => HiresUpscaler.LatentNearest,
        "lanczos" => HiresUpscaler.Lanczos,
        _ => null,
    };

    private static int RoundDown8(double side) => (int)side / 8 * 8;
}
