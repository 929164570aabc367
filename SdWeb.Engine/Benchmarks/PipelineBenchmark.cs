namespace SdWeb.Engine.Benchmarks;

/// <summary>The figures of one timed generation (<see cref="ModelBenchmark.TimePipeline"/>).</summary>
/// <param name="SamplingStep">Per sampling step (UNet at batch 2 plus the sampler), over the steps after the first.</param>
/// <param name="WholeRun">The whole generation, first step and decode included.</param>
/// <param name="TextEncoding">Both prompts through the text encoder.</param>
/// <param name="VaeDecode">One image's latents decoded.</param>
/// <param name="Preview">One cheap latent → RGB preview.</param>
public sealed record PipelineBenchmark(BenchTiming SamplingStep, TimeSpan WholeRun, BenchTiming TextEncoding, BenchTiming VaeDecode,
    BenchTiming Preview);
