namespace SdWeb.Engine.Networks;

/// <summary>
/// One LoRA to merge into the model for a generation, as <c>&lt;lora:Name:Multiplier&gt;</c> asks for it.
/// <paramref name="Name"/> is the name the prompt used (written to the infotext); <paramref name="Path"/> the file.
/// </summary>
public sealed record NetworkActivation(string Name, string Path, double Multiplier);
