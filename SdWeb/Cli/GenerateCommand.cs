using SdWeb.Engine.Devices;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;

namespace SdWeb.Cli;

/// <summary>
/// `generate`: txt2img / img2img to PNG files 0.png, 1.png, … in diffusers' batch order, each with A1111 parameters.
/// Every argument is checked before the model loads.
/// </summary>
public sealed class GenerateCommand(
    Func<EngineOptions, IPipelineFactory> createFactory, GenerationLimits limits, TextWriter output, TextWriter error) : ICliCommand
{
    public GenerateCommand() : this(options => new PipelineFactory(options), GenerationLimits.Default, Console.Out, Console.Error) { }

    public string Verb => "generate";

    public string Usage =>
        "generate --model PATH --prompt TEXT [--prompt TEXT …] [--negative TEXT …] [--seed N] [--steps N] [--cfg F] " +
        "[--sampler NAME] [--width W] [--height H] [--images-per-prompt N] [--init-image FILE --strength F] [--vae PATH] " +
        "[--dtype auto|fp32|bf16|fp16] [--device auto|cpu|cuda] [--threads N] --out DIR";

    public async Task<int> RunAsync(CliArgs args, CancellationToken cancellationToken)
    {
        var modelPath = args.Require("model");
        var outDir = args.Require("out");
        var request = BuildRequest(args);
        using var initImage = request.InitImage;
        var errors = GenerationRequestValidator.Validate(request, limits);
        if (errors.Count > 0) throw new CliUsageException(string.Join("\n", errors.Select(e => e.Message)));

        using var pipeline = createFactory(EngineOptionsArgs.Read(args)).Load(modelPath, args.Get("vae"));
        using var result = await Task.Run(
            () => pipeline.Generate(request, new ConsoleProgressBar(error), cancellationToken), cancellationToken);

        foreach (var path in GenerationPngs.Write(result, outDir)) await output.WriteLineAsync(path);
        await error.WriteLineAsync(
            $"{result.Images.Count} image(s), seed {result.Parameters.Seed}, {result.Duration.TotalSeconds:0.0} s on {pipeline.Model.Device}/{pipeline.Model.DType}");
        return 0;
    }

    private GenerationRequest BuildRequest(CliArgs args)
    {
        var initImagePath = args.Get("init-image");
        if (initImagePath is null && args.Get("strength") is not null)
            throw new CliUsageException("--strength only applies to img2img; give --init-image FILE too.");
        var defaults = new GenerationRequest { Prompts = [] };
        return new GenerationRequest
        {
            Prompts = args.All("prompt"),
            NegativePrompts = args.All("negative"),
            Seed = args.GetLong("seed"),
            Steps = args.GetInt("steps") ?? defaults.Steps,
            CfgScale = args.GetDouble("cfg") ?? defaults.CfgScale,
            Sampler = args.Get("sampler") ?? defaults.Sampler,
            Width = args.GetInt("width") ?? defaults.Width,
            Height = args.GetInt("height") ?? defaults.Height,
            ImagesPerPrompt = args.GetInt("images-per-prompt") ?? defaults.ImagesPerPrompt,
            Strength = args.GetDouble("strength") ?? defaults.Strength,
            InitImage = initImagePath is null ? null : InitImageReader.Read(initImagePath, limits),
        };
    }
}
