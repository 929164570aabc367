using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation.Plots;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Generation;

/// <summary>
/// The one mapping between a user's <see cref="JobRequest"/>, the stored <see cref="GenerationJob"/> and the engine's
/// <see cref="GenerationRequest"/>. A setting has one name in every layer; the only differences are the ones of meaning
/// (one prompt here, a list in the engine; a job's images each have their own seed, the engine's share one).
/// </summary>
public static class JobRequests
{
    private static readonly JobRequest Defaults = new();

    public static GenerationJob ToJob(JobRequest request, string userId, string model) => new()
    {
        UserId = userId,
        Prompt = request.Prompt,
        NegativePrompt = request.NegativePrompt,
        Sampler = request.Sampler,
        Steps = request.Steps,
        CfgScale = request.CfgScale,
        ClipSkip = request.ClipSkip,
        Tiling = request.Tiling,
        Styles = [.. request.Styles],
        PromptSyntax = request.PromptSyntax,
        Seed = request.Seed,
        Width = request.Width,
        Height = request.Height,
        ImageCount = request.ImageCount,
        ModelName = model,
        Vae = request.Vae,
        SourceImageId = request.SourceImageId,
        Strength = request.SourceImageId is null ? null : request.Strength,
        ReproducesImageId = request.ReproducesImageId,
        Kernels = request.Kernels,
        Plot = request.Plot?.ToJson(),
        Mask = request.Mask,
        MaskBlur = request.MaskBlur,
        InvertMask = request.InvertMask,
        InpaintOnlyMasked = request.InpaintOnlyMasked,
        InpaintPadding = request.InpaintPadding,
        MaskOverlay = request.MaskOverlay,
        Hires = request.Hires,
        Subseed = request.Subseed,
        SubseedStrength = request.SubseedStrength,
    };

    /// <summary>A job's parameters as a new request (Retry): everything the job stored, so the retry is the same job.</summary>
    public static JobRequest FromJob(GenerationJob job) => new()
    {
        Prompt = job.Prompt,
        NegativePrompt = job.NegativePrompt,
        Sampler = job.Sampler,
        Steps = job.Steps,
        CfgScale = job.CfgScale,
        ClipSkip = job.ClipSkip,
        Tiling = job.Tiling,
        PromptSyntax = job.PromptSyntax,
        Seed = job.Seed,
        Width = job.Width,
        Height = job.Height,
        ImageCount = job.ImageCount,
        Model = job.ModelName,
        Vae = job.Vae,
        SourceImageId = job.SourceImageId,
        Strength = job.Strength ?? Defaults.Strength,
        ReproducesImageId = job.ReproducesImageId,
        Kernels = job.Kernels,
        Mask = job.Mask,
        MaskBlur = job.MaskBlur,
        InvertMask = job.InvertMask,
        InpaintOnlyMasked = job.InpaintOnlyMasked,
        InpaintPadding = job.InpaintPadding,
        MaskOverlay = job.MaskOverlay,
        Hires = job.Hires,
        Subseed = job.Subseed,
        SubseedStrength = job.SubseedStrength,
        Plot = job.Plot is null ? null : XyzPlot.FromJson(job.Plot),
    };

    /// <summary>The parameters a stored image was made with, as a request for one image (Reuse, Reproduce).</summary>
    public static JobRequest FromImage(ImageRecord image) => new()
    {
        Prompt = image.Prompt,
        NegativePrompt = image.NegativePrompt,
        Sampler = image.Sampler,
        Steps = image.Steps,
        CfgScale = image.CfgScale,
        ClipSkip = image.ClipSkip,
        Tiling = image.Tiling,
        PromptSyntax = image.PromptSyntax,
        Seed = image.Seed,
        Width = image.Width,
        Height = image.Height,
        ImageCount = 1,
        Model = image.ModelName,
        Vae = image.Vae,
        SourceImageId = image.SourceImageId,
        Strength = image.Strength ?? Defaults.Strength,
        Mask = image.Mask,
        // An image made without a mask keeps the form's inpainting defaults, for a mask painted after Reuse.
        MaskBlur = image.Mask is null ? Defaults.MaskBlur : image.MaskBlur,
        InvertMask = image.InvertMask,
        InpaintOnlyMasked = image.InpaintOnlyMasked,
        InpaintPadding = image.Mask is null ? Defaults.InpaintPadding : image.InpaintPadding,
        MaskOverlay = image.Mask is null ? Defaults.MaskOverlay : image.MaskOverlay,
        Hires = image.Hires,
        Subseed = image.Subseed,
        SubseedStrength = image.SubseedStrength,
    };

    /// <summary>
    /// The engine request for <paramref name="imagesPerPrompt"/> images of <paramref name="job"/> starting at
    /// <paramref name="seed"/>: the whole job when it is checked, one image at a time when it runs (with the variation
    /// seed of that image). <paramref name="mask"/> is the job's <see cref="GenerationJob.Mask"/>, decoded.
    /// </summary>
    public static GenerationRequest ToGenerationRequest(
        GenerationJob job, long? seed, int imagesPerPrompt, Image<Rgb24>? initImage, Image<L8>? mask, TimeSpan minPreviewInterval = default)
    {
        return new()
        {
            Prompts = [job.Prompt],
            NegativePrompts = string.IsNullOrEmpty(job.NegativePrompt) ? [] : [job.NegativePrompt],
            Sampler = job.Sampler,
            Steps = job.Steps,
            CfgScale = job.CfgScale,
            ClipSkip = job.ClipSkip,
            Tiling = job.Tiling,
            PromptSyntax = job.PromptSyntax,
            Seed = seed,
            Width = job.Width,
            Height = job.Height,
            ImagesPerPrompt = imagesPerPrompt,
            InitImage = initImage,
            Strength = job.Strength ?? 1,
            MinPreviewInterval = minPreviewInterval,
            Mask = mask,
            MaskBlur = job.MaskBlur,
            InvertMask = job.InvertMask,
            InpaintOnlyMasked = job.InpaintOnlyMasked,
            InpaintPadding = job.InpaintPadding,
            MaskOverlay = job.MaskOverlay,
            Hires = job.Hires,
            Subseed = job.Subseed,
            SubseedStrength = job.SubseedStrength,
            Kernels = KernelChoice.Parse(job.Kernels),
        };
    }

    /// <summary>The <see cref="JobRequest"/> property an engine validation error is about (same name unless the meaning differs).</summary>
    public static string FieldOf(string generationRequestField) => generationRequestField switch
    {
        nameof(GenerationRequest.Prompts) => nameof(JobRequest.Prompt),
        nameof(GenerationRequest.NegativePrompts) => nameof(JobRequest.NegativePrompt),
        nameof(GenerationRequest.ImagesPerPrompt) => nameof(JobRequest.ImageCount),
        _ => generationRequestField,
    };
}
