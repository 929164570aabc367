namespace SdWeb.Components.Generate;

/// <summary>AUTOMATIC1111's "Variation seed" and "Variation strength"; strength 0 = no variation.</summary>
public sealed class VariationFormModel
{
    /// <summary>Null = a random variation seed for each job (recorded with its images).</summary>
    public long? Seed { get; set; }
    public double Strength { get; set; }
}
