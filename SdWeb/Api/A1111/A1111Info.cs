using SdWeb.Data;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Api.A1111;

/// <summary>
/// The <c>info</c> of a txt2img/img2img answer (AUTOMATIC1111's processing.js_info): what was made, with the seeds
/// actually used, so a client can reproduce an image by sending its seed back. Serialized as a JSON string, as A1111 does.
/// </summary>
public static class A1111Info
{
    public static Dictionary<string, object?> Of(
        GenerationJob job, A1111Payload payload, IReadOnlyList<string> infotexts, IReadOnlyList<string> warnings)
    {
        var seeds = job.Images.Select(i => i.Seed).ToList();
        var count = seeds.Count;
        return new Dictionary<string, object?>
        {
            ["prompt"] = job.Prompt,
            ["all_prompts"] = Enumerable.Repeat(job.Prompt, count).ToList(),
            ["negative_prompt"] = job.NegativePrompt,
            ["all_negative_prompts"] = Enumerable.Repeat(job.NegativePrompt, count).ToList(),
            ["seed"] = seeds.FirstOrDefault(job.Seed ?? -1),
            ["all_seeds"] = seeds,
            ["subseed"] = job.Images.Select(i => i.Subseed).FirstOrDefault() ?? -1,
            ["all_subseeds"] = job.Images.Select(i => i.Subseed ?? -1).ToList(),
            ["subseed_strength"] = job.SubseedStrength,
            ["width"] = job.Width,
            ["height"] = job.Height,
            ["sampler_name"] = SamplerNames.ToA1111(job.Sampler),
            ["cfg_scale"] = job.CfgScale,
            ["steps"] = job.Steps,
            ["batch_size"] = payload.BatchSize,
            ["restore_faces"] = false,
            ["face_restoration_model"] = null,
            ["sd_model_name"] = job.ModelName,
            ["sd_model_hash"] = job.Images.FirstOrDefault()?.ModelHash,
            ["seed_resize_from_w"] = -1,
            ["seed_resize_from_h"] = -1,
            ["denoising_strength"] = job.Strength ?? job.Hires?.Denoise,
            ["extra_generation_params"] = new Dictionary<string, object>(),
            ["index_of_first_image"] = 0,
            ["infotexts"] = infotexts,
            ["styles"] = payload.Styles ?? [],
            ["job_timestamp"] = (job.StartedAt ?? job.QueuedAt).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture),
            ["clip_skip"] = job.ClipSkip,
            ["is_using_inpainting_conditioning"] = false,
            ["version"] = "SdWeb",
            ["job_id"] = job.Id,
            ["warnings"] = warnings,
        };
    }
}
