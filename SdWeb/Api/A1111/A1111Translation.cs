using SdWeb.Engine.Pipelines;
using SdWeb.Generation;

namespace SdWeb.Api.A1111;

/// <summary>An AUTOMATIC1111 payload as a SdWeb job: the request, what is refused (422, by A1111 field) and what is ignored (warnings).</summary>
public sealed record A1111Translation(JobRequest Request, IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>Schedulers SdWeb has: AUTOMATIC1111's "Automatic" (the sampler's own) and "Karras".</summary>
    public static readonly IReadOnlyList<string> Schedulers = ["Automatic", "Karras"];

    /// <param name="defaultModel">The caller's sd_model_checkpoint option, if set; an override in the payload wins.</param>
    public static A1111Translation Of(A1111Payload payload, string? defaultModel)
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

        if (!string.IsNullOrEmpty(payload.ScriptName))
            errors["script_name"] = [$"SdWeb has no scripts, so '{payload.ScriptName}' cannot run; leave script_name out."];
        if (payload.InitImages is { Count: > 1 }) warnings.Add("init_images: only the first image is used.");
        if (payload.InitImages is not null && payload.ResizeMode != 0) warnings.Add("resize_mode: ignored; the source is resized to width × height.");
        if (payload.RestoreFaces) warnings.Add("restore_faces: ignored; SdWeb has no face restoration.");
        if (payload.Tiling) warnings.Add("tiling: ignored; SdWeb does not make tiling images yet.");
        if (payload.Styles is { Count: > 0 }) warnings.Add("styles: ignored; SdWeb has no prompt styles yet.");
        if (payload.AlwaysonScripts is { Count: > 0 })
            warnings.Add($"alwayson_scripts: ignored ({string.Join(", ", payload.AlwaysonScripts.Keys)}); SdWeb has no scripts.");
        if (payload.OverrideSettings is { } overrides)
            foreach (var key in overrides.Keys.Where(k => k != "sd_model_checkpoint"))
                warnings.Add($"override_settings.{key}: ignored.");
        foreach (var key in (payload.Other ?? []).Keys.Order(StringComparer.Ordinal))
            warnings.Add($"{key}: ignored.");

        var model = payload.OverrideSettings?.GetValueOrDefault("sd_model_checkpoint") is { ValueKind: System.Text.Json.JsonValueKind.String } checkpoint
            ? checkpoint.GetString()
            : defaultModel;
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
            Model = ModelName(model),
            Strength = payload.DenoisingStrength,
        };
        request = A1111InpaintHires.Apply(request, payload, errors, warnings);
        return new A1111Translation(request, errors, warnings);
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
        nameof(JobRequest.SourceImageId) => "init_images",
        nameof(JobRequest.Strength) => "denoising_strength",
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
