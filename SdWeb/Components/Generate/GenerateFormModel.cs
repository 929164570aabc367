using System.Globalization;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Training;
using SdWeb.Generation;

namespace SdWeb.Components.Generate;

/// <summary>The Generate form's editable state; becomes a <see cref="JobRequest"/> on submit.</summary>
public sealed class GenerateFormModel
{
    private static readonly JobRequest Defaults = new();

    public string Prompt { get; set; } = "";
    public string NegativePrompt { get; set; } = "";
    public string Sampler { get; set; } = Defaults.Sampler;
    public int Steps { get; set; } = Defaults.Steps;
    public double CfgScale { get; set; } = Defaults.CfgScale;
    public int ClipSkip { get; set; } = Defaults.ClipSkip;
    public bool Tiling { get; set; }
    public IReadOnlyList<string> Styles { get; set; } = [];

    /// <summary>Used only when <see cref="SeedLocked"/>; otherwise each job gets a random seed.</summary>
    public long? Seed { get; set; }
    public bool SeedLocked { get; set; }

    public int Width { get; set; } = Defaults.Width;
    public int Height { get; set; } = Defaults.Height;
    public int ImageCount { get; set; } = Defaults.ImageCount;
    public string? Model { get; set; }

    /// <summary>A VAE in models/VAE; null = the model's own.</summary>
    public string? Vae { get; set; }

    public Guid? SourceImageId { get; set; }
    public double Strength { get; set; } = Defaults.Strength;

    /// <summary>While the demo model is the only one: the settings it is made for (its native 64×64, Euler a, 20 steps, CFG 7).</summary>
    public void UseDemoModelSettings()
    {
        (Width, Height) = (DemoModelTraining.ImageSize, DemoModelTraining.ImageSize);
        (Sampler, Steps, CfgScale) = (DemoModelTraining.Sampler, DemoModelTraining.Steps, DemoModelTraining.CfgScale);
    }

    /// <summary>The X/Y/Z plot panel; kept when the form is refilled (Reuse, a dropped PNG), as AUTOMATIC1111 keeps its script.</summary>
    public XyzPlotFormModel Plot { get; } = new();
    public InpaintFormModel Inpaint { get; } = new();
    public HiresFormModel Hires { get; } = new();
    public VariationFormModel Variation { get; } = new();

    public JobRequest ToRequest() => new()
    {
        Prompt = Prompt,
        NegativePrompt = NegativePrompt,
        Sampler = Sampler,
        Steps = Steps,
        CfgScale = CfgScale,
        ClipSkip = ClipSkip,
        Tiling = Tiling,
        Styles = Styles,
        Seed = SeedLocked ? Seed : null,
        Width = Width,
        Height = Height,
        ImageCount = ImageCount,
        Model = Model,
        Vae = Vae,
        SourceImageId = SourceImageId,
        Strength = Strength,
        Plot = Plot.ToPlot(),
        Hires = Hires.ToHiresFix(),
        Subseed = Variation.Strength > 0 ? Variation.Seed : null,
        SubseedStrength = Variation.Strength,
    };

    /// <summary>Fills the form from stored parameters (Reuse); the seed comes locked so the same image can be varied.</summary>
    public void Load(JobRequest request)
    {
        Prompt = request.Prompt;
        NegativePrompt = request.NegativePrompt;
        Sampler = request.Sampler;
        Steps = request.Steps;
        CfgScale = request.CfgScale;
        ClipSkip = request.ClipSkip;
        Tiling = request.Tiling;
        Styles = request.Styles;
        Seed = request.Seed;
        SeedLocked = request.Seed is not null;
        Width = request.Width;
        Height = request.Height;
        ImageCount = request.ImageCount;
        Model = request.Model ?? Model;
        Vae = request.Vae;
        SourceImageId = request.SourceImageId;
        Strength = request.Strength;
        Inpaint.Load(request);
        Hires.Load(request.Hires);
        (Variation.Seed, Variation.Strength) = (request.Subseed, request.SubseedStrength);
    }

    /// <summary>
    /// Fills the form from a PNG's A1111 parameters; what the text lacks keeps its current value, except the hires fix,
    /// which is on exactly when the text has one (A1111's paste does the same with its checkbox).
    /// </summary>
    public void Load(ImageParameters parameters, IReadOnlyList<string> models)
    {
        Prompt = parameters.Prompt;
        NegativePrompt = parameters.NegativePrompt;
        Sampler = parameters.Sampler ?? Sampler;
        Steps = parameters.Steps ?? Steps;
        CfgScale = parameters.CfgScale ?? CfgScale;
        if (parameters.Settings.TryGetValue("Clip skip", out var clipSkip) && int.TryParse(clipSkip, CultureInfo.InvariantCulture, out var skip))
            ClipSkip = skip;
        if (parameters.Seed is { } seed) (Seed, SeedLocked) = (seed, true);
        Tiling = parameters.Tiling;
        Width = parameters.Width ?? Width;
        Height = parameters.Height ?? Height;
        if (parameters.ModelName is { } model && models.Contains(model)) Model = model;
        // With a hires fix, "Denoising strength" is its second pass's (A1111 writes both under one key).
        if (parameters.Hires is null && parameters.DenoisingStrength is { } strength) Strength = strength;
        Hires.Load(parameters.Hires);
        if (parameters.Subseed is { } subseed) Variation.Seed = subseed;
        Variation.Strength = parameters.SubseedStrength ?? Variation.Strength;
        Inpaint.Load(parameters);
    }
}
