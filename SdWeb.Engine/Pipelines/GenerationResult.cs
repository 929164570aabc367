using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Pipelines;

/// <summary>The images of one generation and all that is needed to make them again.</summary>
public sealed record GenerationResult(IReadOnlyList<GeneratedImage> Images, GenerationParameters Parameters, TimeSpan Duration);

/// <summary>One output image. <see cref="BatchIndex"/> is its place in diffusers' batch order.</summary>
public sealed record GeneratedImage(Image<Rgb24> Image, string Prompt, string NegativePrompt, int BatchIndex);

/// <summary>Every parameter that determines the images (the seed is the generator's; batches draw from it in order).</summary>
public sealed record GenerationParameters(
    string ModelName,
    string ModelHash,
    string Sampler,
    int Steps,
    double GuidanceScale,
    long Seed,
    int Width,
    int Height,
    int ImagesPerPrompt,
    double? Strength,
    string DType,
    string Device,
    string EngineVersion)
{
    /// <summary>The variation seed, when <see cref="SubseedStrength"/> is above 0.</summary>
    public long? Subseed { get; init; }

    public double SubseedStrength { get; init; }

    /// <summary>The request's timestep_spacing override; null when the model's own was used.</summary>
    public string? TimestepSpacing { get; init; }
}
