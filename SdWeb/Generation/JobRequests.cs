using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Generation;

/// <summary>Turns a stored job into the engine's request: the one mapping both validation and the worker use.</summary>
public static class JobRequests
{
    public static GenerationJob ToJob(JobRequest request, string userId, string model) => new()
    {
        UserId = userId,
        Prompt = request.Prompt,
        NegativePrompt = request.NegativePrompt,
        Sampler = request.Sampler,
        Steps = request.Steps,
        GuidanceScale = request.CfgScale,
        Seed = request.Seed,
        Width = request.Width,
        Height = request.Height,
        ImageCount = request.ImageCount,
        ModelName = model,
        SourceImageId = request.SourceImageId,
        Strength = request.SourceImageId is null ? null : request.Strength,
        ReproducesImageId = request.ReproducesImageId,
    };

    /// <summary>The parameters a stored image was made with, as a request for one image (Reuse, Reproduce).</summary>
    public static JobRequest FromImage(ImageRecord image) => new()
    {
        Prompt = image.Prompt,
        NegativePrompt = image.NegativePrompt,
        Sampler = image.Sampler,
        Steps = image.Steps,
        CfgScale = image.GuidanceScale,
        Seed = image.Seed,
        Width = image.Width,
        Height = image.Height,
        ImageCount = 1,
        Model = image.ModelName,
        SourceImageId = image.SourceImageId,
        Strength = image.Strength ?? new JobRequest().Strength,
    };

    /// <summary>The engine request for <paramref name="imagesPerPrompt"/> images starting at <paramref name="seed"/>.</summary>
    public static GenerationRequest ToGenerationRequest(GenerationJob job, long? seed, int imagesPerPrompt, Image<Rgb24>? initImage) => new()
    {
        Prompts = [job.Prompt],
        NegativePrompts = string.IsNullOrEmpty(job.NegativePrompt) ? [] : [job.NegativePrompt],
        Sampler = job.Sampler,
        Steps = job.Steps,
        CfgScale = job.GuidanceScale,
        Seed = seed,
        Width = job.Width,
        Height = job.Height,
        ImagesPerPrompt = imagesPerPrompt,
        InitImage = initImage,
        Strength = job.Strength ?? 1,
    };

    /// <summary>The <see cref="JobRequest"/> property an engine validation error is about.</summary>
    public static string FieldOf(string generationRequestField) => generationRequestField switch
    {
        nameof(GenerationRequest.Prompts) => nameof(JobRequest.Prompt),
        nameof(GenerationRequest.NegativePrompts) => nameof(JobRequest.NegativePrompt),
        nameof(GenerationRequest.CfgScale) => nameof(JobRequest.CfgScale),
        nameof(GenerationRequest.ImagesPerPrompt) => nameof(JobRequest.ImageCount),
        _ => generationRequestField,
    };
}
