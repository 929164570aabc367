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
/// Both print the peak resident memory.
/// </summary>
public sealed class BenchCommand(Func<EngineOptions, PipelineFactory> createFactory, TextWriter output) : ICliCommand
{
    public BenchCommand() : this(options => new PipelineFactory(options), Console.Out) { }

    public string Verb => "bench";

    public IReadOnlySet<string> Flags { get; } = new HashSet<string> { "pipeline" };

    public string Usage =>
        $"bench --model PATH (--pipeline | --component {string.Join("|", BenchComponents.All.Keys)}) [--size 512] [--steps 20] " +
        "[--sampler NAME] [--runs 3] [--vae PATH] [--dtype auto|fp32|bf16|fp16] [--device auto|cpu|cuda] [--threads N]";

    public Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var modelPath = args.Require("model");
        var component = args.Get("component");
        bool pipeline = args.Flag("pipeline");
        if (pipeline == (component is not null))
            throw new CliUsageException("Give either --pipeline or --component NAME.");
        if (component is not null && !BenchComponents.All.ContainsKey(component))
            throw new CliUsageException($"Unknown component '{component}'. Valid: {string.Join(", ", BenchComponents.All.Keys)}.");
        int size = args.GetInt("size") ?? 512;
        if (size < 8 || size % 8 != 0) throw new CliUsageException($"--size must be a positive multiple of 8, not {size}.");
        int runs = args.GetInt("runs") ?? 3;
        if (runs < 1) throw new CliUsageException($"--runs must be at least 1, not {runs}.");
        var request = new GenerationRequest
        {
            Prompts = ["a photograph of an astronaut riding a horse"],
            Steps = args.GetInt("steps") ?? 20,
            Sampler = args.Get("sampler") ?? "euler_a",
            Width = size,
            Height = size,
            Seed = 0,
        };

        var components = createFactory(EngineOptionsArgs.Read(args)).LoadComponents(modelPath, args.Get("vae"));
        using var pipelineInstance = new StableDiffusionPipeline(components);
        output.WriteLine($"{components.Model.Name} on {components.Placement}, {size}x{size}, {torch.get_num_threads()} threads");
        if (pipeline) BenchPipeline(pipelineInstance, components, request, runs, cancellationToken);
        else BenchComponent(component!, components, size, runs);
        output.WriteLine($"peak RSS          {PeakMemory.ResidentMiB()?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a"} MiB");
        return Task.FromResult(0);
    }

    private void BenchPipeline(StableDiffusionPipeline pipeline, StableDiffusionComponents components, GenerationRequest request, int runs, CancellationToken cancellationToken)
    {
        var device = components.Placement.Device;
        var steps = new List<StepProgress>();
        var result = pipeline.Generate(request, new Progress(steps), cancellationToken);
        foreach (var image in result.Images) image.Image.Dispose();
        // The first step includes one-time work (allocator, kernels); time the rest.
        double secondsPerStep = steps.Count > 1
            ? (steps[^1].Elapsed - steps[0].Elapsed).TotalSeconds / (steps.Count - 1)
            : steps[0].Elapsed.TotalSeconds;
        output.WriteLine($"sampling          {secondsPerStep:0.000} s/step ({request.Steps} steps, {request.Sampler}); whole run {result.Duration.TotalSeconds:0.00} s");
        Print("text encoding", "both prompts", Timing.Measure(BenchComponents.All["text"].Prepare(components, request.Width), device, runs));
        Print("VAE decode", "1 image", Timing.Measure(BenchComponents.All["vae-decode"].Prepare(components, request.Width), device, runs));
        using var previewer = new LatentPreviewer(device);
        using var latent = torch.randn([4, request.Height / 8, request.Width / 8]).to(components.Placement.DType, device, disposeAfter: true);
        Print("preview", "latent → RGB, 1 image", Timing.Measure(() => previewer.Preview(latent), device, runs));
    }

    private void BenchComponent(string name, StableDiffusionComponents components, int size, int runs)
    {
        var (description, model, prepare) = BenchComponents.All[name];
        Print(name, description, Timing.Measure(prepare(components, size), components.Placement.Device, runs));
        if (components.ParameterCounts.TryGetValue(model, out var count))
            output.WriteLine($"parameters        {count.ToString("N0", CultureInfo.InvariantCulture)} ({model})");
    }

    private void Print(string what, string description, Timing.Stats stats) =>
        output.WriteLine($"{what,-17} {stats.MinMs:0.0} ms min, {stats.MedianMs:0.0} ms median over {stats.Runs} runs ({description})");

    private sealed class Progress(List<StepProgress> steps) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => steps.Add(value);
    }
}
