using SdWeb.Engine.Pipelines.Hires;

namespace SdWeb.Components.Generate;

/// <summary>AUTOMATIC1111's "Hires. fix" on the Generate form: off unless enabled; its fields keep A1111's defaults.</summary>
public sealed class HiresFormModel
{
    private static readonly HiresFix Defaults = new();

    public bool Enabled { get; set; }
    public HiresUpscaler Upscaler { get; set; } = Defaults.Upscaler;
    public double Scale { get; set; } = Defaults.Scale;

    /// <summary>0 = the first pass's steps (A1111's "Hires steps" 0).</summary>
    public int Steps { get; set; } = Defaults.Steps;
    public double Denoise { get; set; } = Defaults.Denoise;

    public HiresFix? ToHiresFix() =>
        Enabled ? new HiresFix { Upscaler = Upscaler, Scale = Scale, Steps = Steps, Denoise = Denoise } : null;

    public void Load(HiresFix? hires)
    {
        Enabled = hires is not null;
        if (hires is null) return;
        (Upscaler, Scale, Steps, Denoise) = (hires.Upscaler, hires.Scale, hires.Steps, hires.Denoise);
    }
}
