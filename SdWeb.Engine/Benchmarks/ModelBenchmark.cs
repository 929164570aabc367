using System.Diagnostics;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Models.Layers;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Components;
using SdWeb.Engine.Pipelines.Previews;
using TorchSharp;

namespace SdWeb.Engine.Benchmarks;

/// <summary>
/// How fast a loaded model runs here: one model call (<see cref="TimeComponent"/>), a whole generation
/// (<see cref="TimePipeline"/>), each with the achieved FLOPs, and the memory it took (<see cref="Memory"/>).
/// The engine's side of the CLI's `bench`; the figures are the clients' to print.
/// </summary>
public sealed class ModelBenchmark : IDisposable
{
    private readonly StableDiffusionComponents _components;
    private readonly StableDiffusionPipeline _pipeline;
    private readonly BenchModel _model;

    private ModelBenchmark(StableDiffusionComponents components, BenchModel model)
    {
        _components = components;
        _model = model;
        _pipeline = new StableDiffusionPipeline(components);
    }

    /// <summary>The model calls <see cref="TimeComponent"/> knows: text, unet, vae-decode, vae-encode.</summary>
    public static IReadOnlyCollection<string> ComponentNames => BenchComponents.All.Keys.ToList();

    /// <summary>What runs where, e.g. "tiny-sd on cpu/fp32".</summary>
    public string Summary => $"{_components.Model.Name} on {_components.Placement}";

    /// <summary>libtorch's intra-op CPU threads.</summary>
    public static int Threads => torch.get_num_threads();

    /// <exception cref="Loading.ModelLoadException">The model cannot be loaded; the message says why.</exception>
    public static ModelBenchmark Load(PipelineFactory factory, string modelPath, string? vaePath)
    {
        var components = factory.LoadComponents(modelPath, vaePath);
        try
        {
            return new ModelBenchmark(components, BenchModel.Read(modelPath, vaePath, components.Placement));
        }
        catch
        {
            components.Owner.Dispose();
            throw;
        }
    }

    /// <summary>One model call at an image size: min and median of <paramref name="runs"/> after a warm-up call.</summary>
    public BenchTiming TimeComponent(string name, int size, int runs)
    {
        var bench = BenchComponents.All.TryGetValue(name, out var b) ? b
            : throw new ArgumentException($"Unknown component '{name}'. Valid: {string.Join(", ", ComponentNames)}.", nameof(name));
        return Time(bench.Description, bench.Prepare(_components, size), runs, bench.Flops(_model, size));
    }

    /// <summary>The model a component call uses (text, unet or vae) and its parameter count, when known.</summary>
    public (string Model, long Count)? ParametersOf(string component) =>
        BenchComponents.All.TryGetValue(component, out var bench) && _components.ParameterCounts.TryGetValue(bench.Model, out var count)
            ? (bench.Model, count) : null;

    /// <summary>
    /// <paramref name="generations"/> whole generations of <paramref name="request"/> back to back, as a server runs them
    /// (seeds from the request's on), each with its own peak resident memory; seconds per sampling step over each one's
    /// steps after its first (which includes one-time work); then text encoding, VAE decode and the cheap preview timed
    /// alone over <paramref name="runs"/>.
    /// </summary>
    public PipelineBenchmark TimePipeline(GenerationRequest request, int runs, int generations, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generations, 1);
        var stepTimes = new List<double>();
        var figures = new List<PipelineBenchmark.Generation>();
        var pngEncoding = TimeSpan.Zero;
        for (var i = 0; i < generations; i++)
        {
            PeakMemory.Restart();
            var steps = new List<StepProgress>();
            using (var result = _pipeline.Generate(request with { Seed = request.Seed + i }, new ListProgress(steps), cancellationToken))
            {
                stepTimes.AddRange(steps.Skip(1).Select((s, j) => (s.Elapsed - steps[j].Elapsed).TotalMilliseconds));
                if (i == 0) pngEncoding = TimePngEncoding(result);
                figures.Add(new PipelineBenchmark.Generation(result.Duration, PeakMemory.WindowMiB(), GC.GetGCMemoryInfo().TotalCommittedBytes / (1024.0 * 1024)));
            }
        }
        var sampling = Timing.Summarize(stepTimes);
        int latent = request.Width / StableDiffusionPipeline.LatentScale;
        var samplingStep = new BenchTiming("batch 2 (CFG), steps after the first", sampling.MinMs, sampling.MedianMs, sampling.Runs,
            FlopCounts.UNet(_model.UNet, 2, latent, latent));

        var text = BenchComponents.All["text"];
        var decode = BenchComponents.All["vae-decode"];
        var device = _components.Placement.Device;
        using var previewer = new LatentPreviewer(device);
        using var latentImage = torch.randn([4, latent, latent]).to(_components.Placement.DType, device, disposeAfter: true);
        return new PipelineBenchmark(samplingStep, figures,
            Time("both prompts", text.Prepare(_components, request.Width), runs, text.Flops(_model, request.Width)),
            Time("1 image", decode.Prepare(_components, request.Width), runs, decode.Flops(_model, request.Width)),
            Time("latent → RGB, 1 image", () => previewer.Preview(latentImage), runs, flops: null))
        { PngEncoding = pngEncoding };
    }

    private static TimeSpan TimePngEncoding(GenerationResult result)
    {
        var png = Stopwatch.StartNew();
        using (var folder = new TemporaryFolder()) GenerationPngs.Write(result, folder.Path);
        return png.Elapsed;
    }

    /// <summary>The machine's kernel rooflines measured now, in this process: "matmul fp32", "matmul bf16", "conv fp32", "conv bf16".</summary>
    public IReadOnlyDictionary<string, BenchTiming> MeasureRooflines(int runs) => Rooflines.Measure(_components.Placement.Device, runs);

    /// <summary>The roofline key a component's work compares with: text → matmul, the others → conv, in the dtype it computes in.</summary>
    public string RooflineKeyFor(string component) =>
        Rooflines.KeyFor(component, ModelPlacement.DTypeName(MixedPrecision.ActivationDType(_components.Placement)));

    /// <summary>The weights' size in the run dtype, the process's peak resident memory and, on CUDA, the GPU memory in use.</summary>
    public BenchMemory Memory()
    {
        var placement = _components.Placement;
        bool cuda = placement.Device.type == DeviceType.CUDA;
        return new BenchMemory(_model.Parameters, _model.WeightBytes(placement.DType) / (1024 * 1024), ModelPlacement.DTypeName(placement.DType),
            PeakMemory.ResidentMiB(), cuda, cuda ? GpuMemory.UsedMiB(placement.Device.index) : null);
    }

    public void Dispose() => _pipeline.Dispose();

    private BenchTiming Time(string description, Action call, int runs, double? flops)
    {
        var stats = Timing.Measure(call, _components.Placement.Device, runs);
        return new BenchTiming(description, stats.MinMs, stats.MedianMs, stats.Runs, flops);
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("sdweb-bench-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private sealed class ListProgress(List<StepProgress> steps) : IProgress<StepProgress>
    {
        public void Report(StepProgress value) => steps.Add(value);
    }
}
