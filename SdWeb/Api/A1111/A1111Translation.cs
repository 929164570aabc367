using System.Text.Json;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;

namespace SdWeb.Api.A1111;

/// <summary>An AUTOMATIC1111 payload as a SdWeb job: the request, what is refused (422, by A1111 field) and what is ignored (warnings).</summary>
/// <param name="SamplesFormat">How the answer's images are encoded (the samples_format option): png, jpg, jpeg or webp.</param>
public sealed record A1111Translation(
    JobRequest Request, string SamplesFormat, IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>Schedulers SdWeb has: AUTOMATIC1111's "Automatic" (the sampler's own) and "Karras".</summary>
    public static readonly IReadOnlyList<string> Schedulers = ["Automatic", "Karras"];

    /// <param name="userOptions">The caller's stored options; the payload's <c>override_settings</c> win over them.</param>
    public static A1111Translation Of(A1111Payload payload, IReadOnlyDictionary<string, JsonElement> userOptions)
    {
        var errors = new Dictionary<string, string[]>();
        var warnings = new List<string>();

        var samplerField = payload.SamplerName is not null ? "sampler_name" : "sampler_index";
        var sampler = ResolveSampler(payload.SamplerName ?? payload.SamplerIndex ?? "Euler", payload.Scheduler, out var samplerError);
        if (samplerError is { } e) errors[e.SchedulerIsWrong ? "scheduler" : samplerField] = [e.Message];

        if (payload.BatchSize < 1) errors["batch_size"] = ["batch_size must be at least 1."];
        if (payload.NIter < 1) errors["n_iter"] = ["n_iter must be at least 1."];
        var imageCount = (long)payload.BatchSize * payload.NIter;
        if (imageCount > int.MaxValue) errors["n_iter"] = ["batch_size × n_iter is far too many images; ask for fewer."];

        A1111FieldRules.Apply(payload, errors, warnings);

        // override_settings: the options SdWeb knows apply to this call only (checked like POST options); others are ignored.
        var overrides = payload.OverrideSettings ?? [];
        foreach (var (field, problem) in A1111KnownOptions.Check(overrides, models: null, vaes: null, prefix: "override_settings.")) errors[field] = problem;
        foreach (var key in overrides.Keys.Where(k => !A1111KnownOptions.Honoured.Contains(k)).Order(StringComparer.Ordinal))
            warnings.Add($"override_settings.{key}: ignored.");
        var defaults = A1111UserDefaults.From(new Dictionary<string, JsonElement>(userOptions.Concat(overrides).GroupBy(o => o.Key).Select(g => g.Last())));

        var request = new JobRequest
        {
            Prompt = payload.Prompt,
            NegativePrompt = payload.NegativePrompt,
            Sampler = sampler ?? "",
            Steps = payload.Steps,
            CfgScale = payload.CfgScale,
            Seed = payload.Seed < 0 ? null : payload.Seed,
            Width = payload.Width,
            Height = payload.Height,
            ImageCount = (int)Math.Clamp(imageCount, 1, int.MaxValue),
            ClipSkip = defaults.ClipSkip,
            Model = defaults.Model,
            Vae = defaults.Vae,
            Strength = payload.DenoisingStrength,
            Tiling = payload.Tiling,
            Styles = payload.Styles ?? [],
        };
        request = A1111InpaintHires.Apply(request, payload, errors, warnings);
        return new A1111Translation(request, defaults.SamplesFormat, errors, warnings);
    }

    /// <summary>The A1111 field a <see cref="JobSubmitter"/> error is about.</summary>
    public static string FieldOf(string jobRequestField) => jobRequestField switch
    {
        nameof(JobRequest.Prompt) => "prompt",
        nameof(JobRequest.NegativePrompt) => "negative_prompt",
        nameof(JobRequest.Sampler) => "sampler_name",
        nameof(JobRequest.Steps) => "steps",
        nameof(JobRequest.CfgScale) => "cfg_scale",
        nameof(JobRequest.Seed) => "seed",
        nameof(JobRequest.Width) => "width",
        nameof(JobRequest.Height) => "height",
        nameof(JobRequest.ImageCount) => "batch_size × n_iter",
        nameof(JobRequest.Model) => "sd_model_checkpoint",
        nameof(JobRequest.ClipSkip) => "CLIP_stop_at_last_layers",
        nameof(JobRequest.Vae) => "sd_vae",
        nameof(JobRequest.SourceImageId) => "init_images",
        nameof(JobRequest.Strength) => "denoising_strength",
        nameof(JobRequest.Styles) => "styles",
        nameof(JobRequest.Mask) => "mask",
        nameof(JobRequest.MaskBlur) => "mask_blur",
        nameof(JobRequest.InpaintPadding) => "inpaint_full_res_padding",
        nameof(JobRequest.Hires) => "enable_hr",
        nameof(JobRequest.Subseed) => "subseed",
        nameof(JobRequest.SubseedStrength) => "subseed_strength",
        _ => jobRequestField,
    };

    /// <summary>"tiny-sd [abc123]" (a checkpoint title as A1111 lists it) → "tiny-sd".</summary>
    public static string? ModelName(string? checkpoint)
    {
        if (string.IsNullOrWhiteSpace(checkpoint)) return null;
        var bracket = checkpoint.LastIndexOf(" [", StringComparison.Ordinal);
        return (bracket > 0 && checkpoint.EndsWith(']') ? checkpoint[..bracket] : checkpoint).Trim();
    }

    /// <summary>"Euler a", "DPM++ 2M Karras", or "DPM++ 2M" with scheduler "Karras" → the engine's sampler name.</summary>
    private static string? ResolveSampler(string name, string? scheduler, out (bool SchedulerIsWrong, string Message)? error)
    {
        error = null;
        var karras = scheduler is not null && scheduler.Equals("Karras", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(scheduler) && !karras && !scheduler.Equals("Automatic", StringComparison.OrdinalIgnoreCase))
        {
            error = (true, $"Unknown scheduler '{scheduler}'; use one of: {string.Join(", ", Schedulers)}.");
            return null;
        }
        var full = karras && !name.TrimEnd().EndsWith("Karras", StringComparison.OrdinalIgnoreCase) ? $"{name.Trim()} Karras" : name;
        var sampler = SamplerNames.FromA1111(full);
        if (sampler is null)
            error = (false, $"Unknown sampler '{full}'; use one of: {string.Join(", ", SamplerNames.All.Select(SamplerNames.ToA1111))}.");
        return sampler;
    }
}
