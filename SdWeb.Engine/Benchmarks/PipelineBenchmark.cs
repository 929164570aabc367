namespace SdWeb.Engine.Benchmarks;

/// <summary>The figures of whole generations run back to back (<see cref="ModelBenchmark.TimePipeline"/>).</summary>
/// <param name="SamplingStep">Per sampling step (UNet at batch 2 plus the sampler), over each generation's steps after its first.</param>
/// <param name="Generations">Each generation's time and peak memory, in the order they ran; the first includes one-time work.</param>
/// <param name="TextEncoding">Both prompts through the text encoder.</param>
/// <param name="VaeDecode">One image's latents decoded.</param>
/// <param name="Preview">One cheap latent → RGB preview.</param>
public sealed record PipelineBenchmark(BenchTiming SamplingStep, IReadOnlyList<PipelineBenchmark.Generation> Generations, BenchTiming TextEncoding,
    BenchTiming VaeDecode, BenchTiming Preview)
{
    /// <summary>Writing the first generation's image as a PNG with its parameters.</summary>
    public TimeSpan PngEncoding { get; init; }

    /// <summary>What a user waits for in a fresh process: text + every step + decode + PNG of the first generation.</summary>
    public TimeSpan WholeGeneration => Generations[0].WholeRun + PngEncoding;

    /// <summary>One of the whole generations run back to back in one process.</summary>
    /// <param name="WholeRun">Text encoding, every step and the decode (not the PNG).</param>
    /// <param name="PeakResidentMiB">The process's peak resident set during this generation alone; null where it cannot be read.</param>
    /// <param name="ManagedCommittedMiB">The .NET heap's committed memory after it, part of the resident set that the C heap's figures miss.</param>
    public sealed record Generation(TimeSpan WholeRun, double? PeakResidentMiB, double ManagedCommittedMiB);
}
