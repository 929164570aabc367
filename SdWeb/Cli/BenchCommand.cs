using System.Globalization;
using SdWeb.Engine.Benchmarks;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Pipelines;

namespace SdWeb.Cli;

/// <summary>
/// `bench`: how fast a model runs here. --pipeline times whole generations (--generations of them back to back, each
/// with its own peak RSS; seconds per step, text encoding, VAE decode, preview); --component NAME times one model call (min/median ms over --runs after a warm-up).
/// Both print the achieved GFLOP/s, the weights' size, the peak resident (and, on CUDA, GPU) memory, the machine's matmul
/// and conv rooflines timed in the same process with each component's share of them, and the auto dtype's choice.
/// </summary>
public sealed class BenchCommand(Func<EngineOptions, PipelineFactory> createFactory, TextWriter output) : ICliCommand
{
    private const int DefaultSize = 512, DefaultSteps = 20, DefaultRuns = 3;
    private const string DefaultSampler = "euler_a";

    public CliSyntax Syntax { get; } = new("bench", "Time a whole generation (--pipeline) or one model call (--component NAME) and report GFLOP/s and memory.")
    {
        Options =
        [
            new("model", "PATH", "a diffusers model folder or a .safetensors checkpoint") { Required = true },
            new("pipeline", null, "time a whole generation: seconds per step, text encoding, VAE decode, preview"),
            new("component", "NAME", $"time one model call: {string.Join(", ", ModelBenchmark.ComponentNames)} (give this or --pipeline)"),
            new("size", "N", $"image width and height, a multiple of 8 (default {DefaultSize})"),
            new("steps", "N", $"sampling steps for --pipeline, at least 2 (default {DefaultSteps})"),
            new("sampler", "NAME", $"sampler for --pipeline (default {DefaultSampler})"),
            new("runs", "N", $"timed runs after a warm-up (default {DefaultRuns})"),
            new("generations", "N", "whole generations back to back for --pipeline, as a server runs them, each with its own peak RSS (default 1)"),
            new("vae", "PATH", "a VAE to use instead of the model's (folder or file)"),
            .. EngineOptionsArgs.Options,
        ],
    };

    /// <summary>Options that take no value, for reading the words after them.</summary>
    public IReadOnlySet<string> Flags => Syntax.Flags;

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var modelPath = args.Require("model");
        var component = args.Get("component");
        bool pipeline = args.Flag("pipeline");
        if (pipeline == (component is not null))
            throw new CliUsageException("Give either --pipeline or --component NAME.");
        if (component is not null && !ModelBenchmark.ComponentNames.Contains(component))
            throw new CliUsageException($"Unknown component '{component}'. Valid: {string.Join(", ", ModelBenchmark.ComponentNames)}.");
        int size = args.GetInt("size") ?? DefaultSize;
        if (size < 8 || size % 8 != 0) throw new CliUsageException($"--size must be a positive multiple of 8, not {size}.");
        int runs = args.GetInt("runs") ?? DefaultRuns;
        if (runs < 1) throw new CliUsageException($"--runs must be at least 1, not {runs}.");
        var request = new GenerationRequest
        {
            Prompts = ["a photograph of an astronaut riding a horse"],
            Steps = args.GetInt("steps") ?? DefaultSteps,
            Sampler = args.Get("sampler") ?? DefaultSampler,
            Width = size,
            Height = size,
            Seed = 0,
        };
        if (pipeline && request.Steps < 2) throw new CliUsageException($"--steps must be at least 2 for --pipeline, not {request.Steps}.");
        int? generations = args.GetInt("generations");
        if (generations is not null && !pipeline) throw new CliUsageException("--generations is for --pipeline.");
        if (generations < 1) throw new CliUsageException($"--generations must be at least 1, not {generations}.");

        var decisions = new List<string>(); // the auto dtype's choice and timings, printed after the figures
        using var bench = ModelBenchmark.Load(createFactory(EngineOptionsArgs.Read(args) with { Log = decisions.Add }), modelPath, args.Get("vae"));
        output.WriteLine($"{bench.Summary}, {size}x{size}, {ModelBenchmark.Threads} threads, load average {LoadAverage()}");
        var shares = new List<(string Component, BenchTiming Timing)>();
        if (pipeline)
        {
            var figures = bench.TimePipeline(request, runs, generations ?? 1, cancellationToken);
            PrintPipeline(figures, request, bench.Memory().WeightsMiB);
            shares.AddRange([("unet", figures.SamplingStep), ("text", figures.TextEncoding), ("vae-decode", figures.VaeDecode)]);
        }
        else
        {
            var timing = bench.TimeComponent(component!, size, runs);
            Print(component!, timing);
            if (bench.ParametersOf(component!) is { } parameters)
                output.WriteLine($"parameters        {parameters.Count.ToString("N0", CultureInfo.InvariantCulture)} ({parameters.Model})");
            shares.Add((component!, timing));
        }
        PrintMemory(bench.Memory());
        PrintRooflines(bench, shares, runs);
        foreach (var decision in decisions) output.WriteLine($"engine            {decision}");
        return Task.FromResult(0);
    }

    /// <summary>The kernel rooflines, timed now in this process, and each component's share of the matching one.</summary>
    private void PrintRooflines(ModelBenchmark bench, List<(string Component, BenchTiming Timing)> shares, int runs)
    {
        var rooflines = bench.MeasureRooflines(runs);
        foreach (var roofline in rooflines.Values) Print("roofline", roofline);
        foreach (var (name, timing) in shares)
        {
            var key = bench.RooflineKeyFor(name);
            if (timing.GflopsPerSecondAtMin is double achieved && rooflines[key].GflopsPerSecondAtMin is double peak)
                output.WriteLine($"share             {name}: {achieved / peak:0%} of the {key} roofline ({achieved:0} of {peak:0} GFLOP/s)");
        }
    }

    private void PrintPipeline(PipelineBenchmark figures, GenerationRequest request, double weightsMiB)
    {
        var sampling = figures.SamplingStep;
        Print("sampling step", sampling);
        output.WriteLine($"sampling          {sampling.MedianMs / 1000:0.000} s/step ({request.Steps} steps, {request.Sampler}), " +
                         $"{1000 / sampling.MedianMs:0.000} it/s; whole run {figures.Generations[0].WholeRun.TotalSeconds:0.00} s");
        output.WriteLine($"whole generation  {figures.WholeGeneration.TotalSeconds:0.00} s (text + {request.Steps} steps + decode + PNG, " +
                         $"{request.Width}x{request.Height}, CFG {request.CfgScale}, 1 image)");
        Print("text encoding", figures.TextEncoding);
        Print("VAE decode", figures.VaeDecode);
        Print("preview", figures.Preview);
        for (var i = 0; i < figures.Generations.Count; i++)
        {
            var generation = figures.Generations[i];
            var peak = generation.PeakResidentMiB is double p ? $"peak RSS {p:0} MiB ({p / weightsMiB:0.00}× the weights)" : "peak RSS n/a";
            output.WriteLine($"{$"generation {i + 1}",-17} {generation.WholeRun.TotalSeconds:0.00} s (text + steps + decode), {peak}; " +
                             $".NET heap {generation.ManagedCommittedMiB:0} MiB committed after it");
        }
    }

    private void Print(string what, BenchTiming timing)
    {
        var rate = timing.Flops is double f ? $"; {f / 1e9:0.###} GFLOP, {timing.GflopsPerSecondAtMin:0.#} GFLOP/s at min" : "";
        output.WriteLine($"{what,-17} {timing.MinMs:0.0} ms min, {timing.MedianMs:0.0} ms median over {timing.Runs} runs ({timing.Description}){rate}");
    }

    private void PrintMemory(BenchMemory memory)
    {
        output.WriteLine($"weights           {memory.Parameters / 1e6:0.0} M parameters, {memory.WeightsMiB:0} MiB in {memory.DType}");
        var rss = memory.PeakResidentMiB;
        output.WriteLine(rss is double r ? $"peak RSS          {r:0} MiB ({r / memory.WeightsMiB:0.00}× the weights)" : "peak RSS          n/a");
        if (memory.OnCuda)
            output.WriteLine($"GPU memory        {memory.GpuUsedMiB?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a (no NVML)"} MiB in use at the end " +
                              $"({BenchMemory.GpuMemoryNote})");
    }

    private static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? string.Join(' ', File.ReadAllText(path).Split(' ').Take(3)) : "n/a";
    }
}
