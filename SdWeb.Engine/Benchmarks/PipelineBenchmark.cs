namespace SdWeb.Engine.Benchmarks;

/// <summary>The figures of one timed generation (<see cref="ModelBenchmark.TimePipeline"/>).</summary>
/// <param name="SamplingStep">Per sampling step (UNet at batch 2 plus the sampler), over the steps after the first.</param>
/// <param name="WholeRun">The whole generation, text encoding, first step and decode included (not the PNG).</param>
/// <param name="TextEncoding">Both prompts through the text encoder.</param>
/// <param name="VaeDecode">One image's latents decoded.</param>
/// <param name="Preview">One cheap latent → RGB preview.</param>
public sealed record PipelineBenchmark(BenchTiming SamplingStep, TimeSpan WholeRun, BenchTiming TextEncoding, BenchTiming VaeDecode,
    BenchTiming Preview)
{
    /// <summary>Writing the generated image as a PNG with its parameters.</summary>
    public TimeSpan PngEncoding { get; init; }

    /// <summary>What a user waits for: text + every step + decode + PNG.</summary>
    public TimeSpan WholeGeneration => WholeRun + PngEncoding;
}
