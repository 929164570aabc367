using static System.FormattableString;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Engine.Schedulers;

namespace SdWeb.Cli;

/// <summary>
/// `generate`: txt2img / img2img to PNG files 0.png, 1.png, … in diffusers' batch order, each with A1111 parameters.
/// Every argument is checked before the model loads.
/// </summary>
public sealed class GenerateCommand(
    Func<EngineOptions, IPipelineFactory> createFactory, GenerationLimits limits, TextWriter output, TextWriter error) : ICliCommand
{
    private static readonly GenerationRequest Defaults = new() { Prompts = [] };

    public CliSyntax Syntax { get; } = new("generate", "Generate images (txt2img, or img2img with --init-image) into PNG files 0.png, 1.png, … with their parameters.")
    {
        Options =
        [
            new("model", "PATH", "a diffusers model folder or a .safetensors checkpoint") { Required = true },
            new("prompt", "TEXT", "what to draw; repeat for several prompts") { Required = true, Repeatable = true },
            new("negative", "TEXT", "what to avoid; once for all prompts or once per prompt") { Repeatable = true },
            new("seed", "N", "seed of the starting noise (default: a random one, printed at the end)"),
            new("steps", "N", $"sampling steps (default {Defaults.Steps})"),
            new("cfg", "F", Invariant($"classifier-free guidance scale (default {Defaults.CfgScale})")),
            new("sampler", "NAME", $"one of {string.Join(", ", SamplerNames.All)} (default {Defaults.Sampler})"),
            new("width", "W", $"image width, a multiple of 8 (default {Defaults.Width})"),
            new("height", "H", $"image height, a multiple of 8 (default {Defaults.Height})"),
            new("images-per-prompt", "N", $"images for each prompt (default {Defaults.ImagesPerPrompt})"),
            new("init-image", "FILE", "start from this image (img2img)"),
            new("strength", "F", Invariant($"img2img: how much to change the init image, in (0, 1] (default {Defaults.Strength})")),
            new("vae", "PATH", "a VAE to use instead of the model's (folder or file)"),
            .. EngineOptionsArgs.Options,
            new("out", "DIR", "folder for the PNG files") { Required = true },
        ],
    };

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
        return new GenerationRequest
        {
            Prompts = args.All("prompt"),
            NegativePrompts = args.All("negative"),
            Seed = args.GetLong("seed"),
            Steps = args.GetInt("steps") ?? Defaults.Steps,
            CfgScale = args.GetDouble("cfg") ?? Defaults.CfgScale,
            Sampler = args.Get("sampler") ?? Defaults.Sampler,
            Width = args.GetInt("width") ?? Defaults.Width,
            Height = args.GetInt("height") ?? Defaults.Height,
            ImagesPerPrompt = args.GetInt("images-per-prompt") ?? Defaults.ImagesPerPrompt,
            Strength = args.GetDouble("strength") ?? Defaults.Strength,
            InitImage = initImagePath is null ? null : InitImageReader.Read(initImagePath, limits),
        };
    }
}
