using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Hires;
using static System.FormattableString;

namespace SdWeb.Cli;

/// <summary>`generate`'s hires-fix options: any of them turns the hires fix on, the others keep AUTOMATIC1111's defaults.</summary>
public static class HiresArgs
{
    private static readonly HiresFix Defaults = new();

    public static IReadOnlyList<CliOption> Options { get; } =
    [
        new("hires-upscaler", "latent|latent-nearest|lanczos", "hires fix: how the first pass is enlarged (default latent)"),
        new("hires-scale", "F", Invariant($"hires fix: enlargement, more than {HiresFix.MinScale} and at most {HiresFix.MaxScale} (default {Defaults.Scale})")),
        new("hires-steps", "N", "hires fix: steps of the second pass (default 0: the first pass's steps)"),
        new("hires-denoise", "F", Invariant($"hires fix: denoising strength of the second pass, in (0, 1] (default {Defaults.Denoise})")),
    ];

    /// <summary>The option a hires validation error is reported under (they all concern the one <see cref="GenerationRequest.Hires"/>).</summary>
    public const string ErrorOption = "hires-*";

    public static GenerationRequest Apply(GenerationRequest request, CliArgs args)
    {
        if (!Options.Any(o => args.Get(o.Name) is not null)) return request;
        var upscalerName = args.Get("hires-upscaler");
        var upscaler = upscalerName is null ? Defaults.Upscaler : HiresFix.ParseUpscaler(upscalerName)
            ?? throw new CliUsageException($"--hires-upscaler must be one of latent, latent-nearest, lanczos, not '{upscalerName}'.");
        return request with
        {
            Hires = new HiresFix
            {
                Upscaler = upscaler,
                Scale = args.GetDouble("hires-scale") ?? Defaults.Scale,
                Steps = args.GetInt("hires-steps") ?? Defaults.Steps,
                Denoise = args.GetDouble("hires-denoise") ?? Defaults.Denoise,
            },
        };
    }
}
