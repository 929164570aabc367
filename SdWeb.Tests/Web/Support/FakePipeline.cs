using SdWeb.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Support;

/// <summary>
/// Stands in for the engine in queue/worker tests: reports every step with a tiny preview, honours cancellation
/// between steps, and returns one solid image whose colour comes from the seed. <see cref="BeforeStep"/> lets a test
/// block or fail a run.
/// </summary>
public sealed class FakePipeline(string modelName) : IImagePipeline
{
    public List<GenerationRequest> Requests { get; } = [];
    public bool Disposed => DisposeCount > 0;

    public int DisposeCount { get; private set; }
    public Action<GenerationRequest, int, CancellationToken>? BeforeStep { get; set; }

    public ModelDescriptor Model { get; } = new(modelName, "/models/" + modelName, "abcdef1234", "cpu", "fp32");

    /// <summary>What it runs unless a request asks otherwise: fp32 on a CPU with SdWeb's Winograd convolutions.</summary>
    public static KernelChoice OwnKernels { get; } = new(Winograd: true, Bf16Attention: false);

    public int CountTokens(string prompt) => prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    public GenerationResult Generate(GenerationRequest request, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        for (var step = 1; step <= request.Steps; step++)
        {
            BeforeStep?.Invoke(request, step, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new StepProgress(step, request.Steps, TimeSpan.FromSeconds(step), TimeSpan.FromSeconds(request.Steps - step),
                new PreviewImage(2, 2, new byte[12], false)));
        }
        var seed = request.Seed!.Value;
        var image = new Image<Rgb24>(request.Width, request.Height, new Rgb24((byte)seed, (byte)(seed >> 8), 7));
        var parameters = new GenerationParameters(Model.Name, Model.Hash, request.Sampler, request.Steps, request.CfgScale, seed,
            request.Width, request.Height, request.ImagesPerPrompt, request.InitImage is null ? null : request.Strength, "fp32", "cpu", "test")
        {
            Subseed = request.SubseedStrength > 0 ? request.Subseed : null,
            SubseedStrength = request.SubseedStrength,
            Kernels = request.Kernels ?? OwnKernels,
        };
        return new GenerationResult([new GeneratedImage(image, request.Prompts[0], "", 0)], parameters, TimeSpan.FromSeconds(1));
    }

    public void Dispose() => DisposeCount++;
}

/// <summary>Hands out <see cref="FakePipeline"/>s by path; a path in <see cref="Broken"/> fails to load.</summary>
public sealed class FakePipelineFactory : IPipelineFactory
{
    public List<FakePipeline> Loaded { get; } = [];

    /// <summary>The VAE path each load was given (null: the model's own), in order.</summary>
    public List<string?> VaePaths { get; } = [];
    public HashSet<string> Broken { get; } = [];
    public Action<FakePipeline>? Configure { get; set; }

    public IImagePipeline Load(string modelPath, string? vaePath = null)
    {
        if (Broken.Contains(modelPath))
            throw new Engine.Loading.ModelLoadException($"{modelPath}: unet/diffusion_pytorch_model.safetensors is truncated.");
        var pipeline = new FakePipeline(Path.GetFileName(modelPath));
        Configure?.Invoke(pipeline);
        Loaded.Add(pipeline);
        VaePaths.Add(vaePath);
        return pipeline;
    }
}
