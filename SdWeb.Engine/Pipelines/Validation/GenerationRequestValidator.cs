using System.Globalization;
using SdWeb.Engine.Schedulers;
using SixLabors.ImageSharp;

namespace SdWeb.Engine.Pipelines.Validation;

/// <summary>
/// Checks a <see cref="GenerationRequest"/> against <see cref="GenerationLimits"/> before any work starts.
/// Every message names the problem and what would be accepted.
/// </summary>
public static class GenerationRequestValidator
{
    /// <summary>SD v1's text encoder has 12 layers (A1111's slider goes to 12).</summary>
    public const int MaxClipSkip = 12;

    public static IReadOnlyList<ValidationError> Validate(GenerationRequest request, GenerationLimits limits) =>
        Validate(request, limits, hasInitImage: request.InitImage is not null);

    /// <summary>
    /// Checks a request whose init image is not loaded yet (the web app validates before the worker reads the source):
    /// <paramref name="hasInitImage"/> says whether it will be img2img.
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(GenerationRequest request, GenerationLimits limits, bool hasInitImage) =>
        Validate(request, limits, hasInitImage, request.InitImage is { } init ? new Size(init.Width, init.Height) : null);

    /// <summary>
    /// Checks an img2img or inpainting request whose init image is not loaded yet but whose size is known, so a mask of
    /// another size is refused before the job is accepted.
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(GenerationRequest request, GenerationLimits limits, Size initImageSize) =>
        Validate(request, limits, hasInitImage: true, initImageSize);

    private static IReadOnlyList<ValidationError> Validate(GenerationRequest request, GenerationLimits limits, bool hasInitImage, Size? initImageSize)
    {
        var errors = new List<ValidationError>();
        void Fail(string field, string message) => errors.Add(new ValidationError(field, message));

        if (request.Prompts is not { Count: > 0 } || request.Prompts.All(string.IsNullOrWhiteSpace))
            Fail(nameof(request.Prompts), "No prompt given; describe the image to generate.");
        else
            CheckLengths(nameof(request.Prompts), "Prompt", request.Prompts, limits, Fail);

        int promptCount = request.Prompts?.Count ?? 0;
        var negatives = request.NegativePrompts ?? [];
        if (negatives.Count > 1 && negatives.Count != promptCount)
            Fail(nameof(request.NegativePrompts),
                $"{negatives.Count} negative prompts for {promptCount} prompt(s); give none, one for all prompts, or exactly one per prompt.");
        CheckLengths(nameof(request.NegativePrompts), "Negative prompt", negatives, limits, Fail);

        if (!SchedulerFactory.Names.Contains(request.Sampler))
            Fail(nameof(request.Sampler), $"Unknown sampler '{request.Sampler}'. Valid samplers: {string.Join(", ", SchedulerFactory.Names)}.");

        if (request.ClipSkip < 1 || request.ClipSkip > MaxClipSkip)
            Fail(nameof(request.ClipSkip), $"Clip skip must be between 1 and {MaxClipSkip}, not {request.ClipSkip}.");
        if (request.Steps < 1 || request.Steps > limits.MaxSteps)
            Fail(nameof(request.Steps), $"Steps must be between 1 and {limits.MaxSteps}, not {request.Steps}.");

        if (!(request.CfgScale >= limits.MinCfgScale && request.CfgScale <= limits.MaxCfgScale))
            Fail(nameof(request.CfgScale),
                $"CFG scale must be between {Num(limits.MinCfgScale)} and {Num(limits.MaxCfgScale)}, not {Num(request.CfgScale)}.");

        CheckSide(nameof(request.Width), "Width", request.Width, Fail);
        CheckSide(nameof(request.Height), "Height", request.Height, Fail);
        if (request.Width > 0 && request.Height > 0 && (long)request.Width * request.Height > limits.MaxPixels)
            Fail(nameof(request.Width),
                $"{request.Width}x{request.Height} is {(long)request.Width * request.Height} pixels, more than the budget of {limits.MaxPixels}; make the image smaller.");

        if (request.ImagesPerPrompt < 1)
            Fail(nameof(request.ImagesPerPrompt), $"Images per prompt must be at least 1, not {request.ImagesPerPrompt}.");
        else if ((long)promptCount * request.ImagesPerPrompt > limits.MaxImagesPerJob)
            Fail(nameof(request.ImagesPerPrompt),
                $"{promptCount} prompt(s) × {request.ImagesPerPrompt} image(s) = {(long)promptCount * request.ImagesPerPrompt} images; at most {limits.MaxImagesPerJob} per job.");

        if (request.Seed is < 0)
            Fail(nameof(request.Seed), $"Seed must be 0 or more (or left empty for a random one), not {request.Seed}.");

        VariationChecks.Check(request, hasInitImage, Fail);

        if (hasInitImage)
        {
            if (!(request.Strength > 0 && request.Strength <= 1))
                Fail(nameof(request.Strength), $"Strength must be in (0, 1], not {Num(request.Strength)}.");
            else if (Img2ImgSchedule.StepsToRun(request.Steps, request.Strength) < 1 && request.Steps >= 1)
                Fail(nameof(request.Strength),
                    $"Strength {Num(request.Strength)} × {request.Steps} steps runs no step; raise the strength or the steps.");
        }

        InpaintAndHiresValidation.Check(request, limits, hasInitImage, initImageSize, Fail);

        if (request.FullPreviewEvery < 0)
            Fail(nameof(request.FullPreviewEvery), $"Full preview interval must be 0 (off) or more, not {request.FullPreviewEvery}.");

        return errors;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every problem, if there is any.</summary>
    public static void ThrowIfInvalid(GenerationRequest request, GenerationLimits limits)
    {
        var errors = Validate(request, limits);
        if (errors.Count > 0)
            throw new ArgumentException("Invalid generation request: " + string.Join(" ", errors.Select(e => e.Message)), nameof(request));
    }

    private static void CheckLengths(string field, string what, IReadOnlyList<string> texts, GenerationLimits limits, Action<string, string> fail)
    {
        for (int i = 0; i < texts.Count; i++)
            if (texts[i] is { } text && text.Length > limits.MaxPromptCharacters)
                fail(field, $"{what} {i + 1} is {text.Length} characters long; the limit is {limits.MaxPromptCharacters}.");
    }

    private static void CheckSide(string field, string what, int value, Action<string, string> fail)
    {
        if (value < 8 || value % 8 != 0)
            fail(field, $"{what} must be a positive multiple of 8, not {value}.");
    }

    private static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);
}
