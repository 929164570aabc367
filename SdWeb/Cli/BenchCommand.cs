using System.Globalization;
using SdWeb.Cli.Bench;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Components;
using SdWeb.Engine.Pipelines.Previews;
using TorchSharp;

namespace SdWeb.Cli;

/// <summary>
/// `bench`: how fast a model runs here. --pipeline times a whole generation (seconds per step, text encoding,
/// VAE decode, preview); --component NAME times one model call (min/median ms over --runs after a warm-up).
/// Both print the achieved GFLOP/s, the weights' size and the peak resident (and, on CUDA, GPU) memory.
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
            new("component", "NAME", $"time one model call: {string.Join(", ", BenchComponents.All.Keys)} (give this or --pipeline)"),
            new("size", "N", $"image width and height, a multiple of 8 (default {DefaultSize})"),
            new("steps", "N", $"sampling steps for --pipeline, at least 2 (default {DefaultSteps})"),
            new("sampler", "NAME", $"sampler for --pipeline (default {DefaultSampler})"),
            new("runs", "N", $"timed runs after a warm-up (default {DefaultRuns})"),
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
        if (component is not null && !BenchComponents.All.ContainsKey(component))
            throw new CliUsageException($"Unknown component '{component}'. Valid: {string.Join(", ", BenchComponents.All.Keys)}.");
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

        var components = createFactory(EngineOptionsArgs.Read(args)).LoadComponents(modelPath, args.Get("vae"));
        var model = BenchModel.Read(modelPath, args.Get("vae"), components.Placement);
        using var pipelineInstance = new StableDiffusionPipeline(components);
        output.WriteLine($"{components.Model.Name} on {components.Placement}, {size}x{size}, {torch.get_num_threads()} threads, " +
                          $"load average {LoadAverage()}");
        if (pipeline) BenchPipeline(pipelineInstance, components, model, request, runs, cancellationToken);
        else
        {
            var bench = BenchComponents.All[component!];
            var stats = Timing.Measure(bench.Prepare(components, size), components.Placement.Device, runs);
            Print(component!, bench.Description, stats, bench.Flops(model, size));
            if (components.ParameterCounts.TryGetValue(bench.Model, out var count))
                output.WriteLine($"parameters        {count.ToString("N0", CultureInfo.InvariantCulture)} ({bench.Model})");
        }
        PrintMemory(components.Placement, model);
        return Task.FromResult(0);
    }

    private void BenchPipeline(StableDiffusionPipeline pipeline, StableDiffusionComponents components, BenchModel model,
        GenerationRequest request, int runs, CancellationToken cancellationToken)
    {
        var device = components.Placement.Device;
        var steps = new List<StepProgress>();
        var result = pipeline.Generate(request, new Progress(steps), cancellationToken);
        foreach (var image in result.Images) image.Image.Dispose();
        // The first step includes one-time work (allocator, kernels): the statistics are over the others.
        var stepTimes = steps.Skip(1).Select((s, i) => (s.Elapsed - steps[i].Elapsed).TotalMilliseconds).ToArray();
        var sampling = Timing.Summarize(stepTimes);
        int latent = request.Width / StableDiffusionPipeline.LatentScale;
        Print("sampling step", $"batch 2 (CFG), steps after the first", sampling, FlopCounts.UNet(model.UNet, 2, latent, latent));
        output.WriteLine($"sampling          {sampling.MedianMs / 1000:0.000} s/step ({request.Steps} steps, {request.Sampler}), " +
                         $"{1000 / sampling.MedianMs:0.000} it/s; whole run {result.Duration.TotalSeconds:0.00} s");
        Print("text encoding", "both prompts", Timing.Measure(BenchComponents.All["text"].Prepare(components, request.Width), device, runs),
            BenchComponents.All["text"].Flops(model, request.Width));
        Print("VAE decode", "1 image", Timing.Measure(BenchComponents.All["vae-decode"].Prepare(components, request.Width), device, runs),
            BenchComponents.All["vae-decode"].Flops(model, request.Width));
        using var previewer = new LatentPreviewer(device);
        using var latentImage = torch.randn([4, latent, latent]).to(components.Placement.DType, device, disposeAfter: true);
        Print("preview", "latent → RGB, 1 image", Timing.Measure(() => previewer.Preview(latentImage), device, runs), flops: null);
    }

    private void Print(string what, string description, Timing.Stats stats, double? flops)
    {
        var rate = flops is double f ? $"; {f / 1e9:0.###} GFLOP, {f / stats.MinMs / 1e6:0.#} GFLOP/s at min" : "";
        output.WriteLine($"{what,-17} {stats.MinMs:0.0} ms min, {stats.MedianMs:0.0} ms median over {stats.Runs} runs ({description}){rate}");
    }

    private void PrintMemory(ModelPlacement placement, BenchModel model)
    {
        double weightsMiB = model.WeightBytes(placement.DType) / (1024 * 1024);
        output.WriteLine($"weights           {model.Parameters / 1e6:0.0} M parameters, {weightsMiB:0} MiB in {ModelPlacement.DTypeName(placement.DType)}");
        var rss = PeakMemory.ResidentMiB();
        output.WriteLine(rss is double r ? $"peak RSS          {r:0} MiB ({r / weightsMiB:0.00}× the weights)" : "peak RSS          n/a");
        if (placement.Device.type == DeviceType.CUDA)
        {
            var gpu = GpuMemory.UsedMiB(placement.Device.index);
            output.WriteLine($"GPU memory        {gpu?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a (no NVML)"} MiB in use at the end " +
                              "(libtorch's caching allocator keeps its peak reservation)");
        }
    }

    private static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? string.Join(' ', File.ReadAllText(path).Split(' ').Take(3)) : "n/a";
    }

    private sealed class Progress(List<StepProgress> steps) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => steps.Add(value);
    }
}
