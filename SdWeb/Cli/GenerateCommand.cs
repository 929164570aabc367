using SdWeb.Engine.Devices;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Engine.Schedulers;
using static System.FormattableString;

namespace SdWeb.Cli;

/// <summary>
/// `generate`: txt2img / img2img / inpainting (+ hires fix) to PNG files 0.png, 1.png, … in diffusers' batch order, each with A1111 parameters.
/// Every argument is checked before the model loads.
/// </summary>
public sealed class GenerateCommand(
    Func<EngineOptions, IPipelineFactory> createFactory, GenerationLimits limits, TextWriter output, TextWriter error) : ICliCommand
{
    private static readonly GenerationRequest Defaults = new() { Prompts = [] };

    public CliSyntax Syntax { get; } = new("generate",
        "Generate images (txt2img, img2img with --init-image, inpainting with --mask, hires fix with --hires-*) into PNG files 0.png, 1.png, … with their parameters.")
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
            new("prompt-syntax", "plain|a1111",
                "plain: diffusers' semantics, cut at 77 tokens; a1111: AUTOMATIC1111's (weights, BREAK, [a:b:when], AND, <lora:> tags, long prompts) (default plain)"),
            new("clip-skip", "N", $"AUTOMATIC1111's clip skip: 1 = the text encoder's last layer, up to {GenerationRequestValidator.MaxClipSkip} (default 1)"),
            new("pad-cond-uncond", "true|false",
                "a1111: pad prompt and negative prompt to the same chunk count (true) or run them as separate UNet passes (default false, as AUTOMATIC1111)"),
            NetworkArgs.LoraDir,
            NetworkArgs.EmbeddingsDir,
            new("timestep-spacing", "leading|linspace|trailing", "override the model's scheduler timestep_spacing (default: the model's)"),
            new("subseed", "N", "variation seed (default: a random one when --subseed-strength is above 0)"),
            new("subseed-strength", "F", "how far the noise moves towards the variation seed's, in [0, 1] (default 0: no variation)"),
            .. InpaintArgs.Options,
            .. HiresArgs.Options,
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
        using var mask = request.Mask;
        var errors = GenerationRequestValidator.Validate(request, limits);
        if (errors.Count > 0) throw new CliUsageException(string.Join("\n", errors.Select(e => $"--{OptionOf(e.Field)}: {e.Message}")));
        request = WithNetworks(request, NetworkArgs.Library(args, modelPath));

        using var pipeline = createFactory(EngineOptionsArgs.Read(args)).Load(modelPath, args.Get("vae"));
        using var result = await Task.Run(
            () => pipeline.Generate(request, new ConsoleProgressBar(error), cancellationToken), cancellationToken);

        foreach (var path in GenerationPngs.Write(result, outDir)) await output.WriteLineAsync(path);
        await error.WriteLineAsync(
            $"{result.Images.Count} image(s), seed {result.Parameters.Seed}, {result.Duration.TotalSeconds:0.0} s on {pipeline.Model.Device}/{pipeline.Model.DType}, {result.Parameters.Kernels.Description}");
        return 0;
    }

    private GenerationRequest BuildRequest(CliArgs args)
    {
        var initImagePath = args.Get("init-image");
        if (initImagePath is null && args.Get("strength") is not null)
            throw new CliUsageException("--strength only applies to img2img; give --init-image FILE too.");
        var request = new GenerationRequest
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
            PromptSyntax = Choice(args, "prompt-syntax", ["plain", "a1111"]) == "a1111" ? PromptSyntax.A1111 : PromptSyntax.Plain,
            ClipSkip = args.GetInt("clip-skip") ?? Defaults.ClipSkip,
            PadCondUncond = Choice(args, "pad-cond-uncond", ["false", "true"]) == "true",
            TimestepSpacing = args.Get("timestep-spacing"),
            Subseed = args.GetLong("subseed"),
            SubseedStrength = args.GetDouble("subseed-strength") ?? Defaults.SubseedStrength,
            InitImage = initImagePath is null ? null : InitImageReader.Read(initImagePath, limits),
        };
        try
        {
            return HiresArgs.Apply(InpaintArgs.Apply(request, args, limits), args);
        }
        catch
        {
            request.InitImage?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The library's files the prompts use: embeddings whose trigger word a prompt or negative prompt contains, and with
    /// the A1111 syntax the LoRAs of the first prompt's tags (AUTOMATIC1111 takes a batch's networks from its first prompt).
    /// </summary>
    private static GenerationRequest WithNetworks(GenerationRequest request, Engine.Networks.NetworkLibrary library) => request with
    {
        Loras = request.PromptSyntax == PromptSyntax.A1111 ? library.LorasIn(request.Prompts[0]) : [],
        Embeddings = library.EmbeddingsUsedBy(request.Prompts.Concat(request.NegativePrompts)),
    };

    private static string Choice(CliArgs args, string name, string[] choices)
    {
        var value = args.Get(name) ?? choices[0];
        return choices.Contains(value) ? value : throw new CliUsageException($"--{name} must be one of {string.Join(", ", choices)}, not '{value}'.");
    }

    /// <summary>The option that sets a <see cref="GenerationRequest"/> property: CfgScale → cfg, ClipSkip → clip-skip.</summary>
    private static string OptionOf(string field) => field switch
    {
        nameof(GenerationRequest.Prompts) => "prompt",
        nameof(GenerationRequest.NegativePrompts) => "negative",
        nameof(GenerationRequest.CfgScale) => "cfg",
        nameof(GenerationRequest.InvertMask) => "mask-invert",
        nameof(GenerationRequest.Hires) => HiresArgs.ErrorOption,
        _ => string.Concat(field.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString())),
    };
}
