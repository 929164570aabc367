namespace SdWeb.Engine.Networks;

/// <summary>An extra network a generation used, as AUTOMATIC1111's "Lora hashes" / "TI hashes" record it.</summary>
/// <param name="Name">The name the prompt used (a LoRA tag's name, an embedding's trigger word).</param>
/// <param name="ShortHash">A1111's 12-hex-digit hash of the file.</param>
public sealed record NetworkHash(string Name, string ShortHash);
