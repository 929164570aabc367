namespace SdWeb.Data;

/// <summary>A LoRA a job or image used: the name its <c>&lt;lora:…&gt;</c> tag gave, the weight, and A1111's short hash of the file.</summary>
public sealed record LoraUse(string Name, double Weight, string Hash);
