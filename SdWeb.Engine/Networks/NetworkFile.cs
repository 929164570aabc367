namespace SdWeb.Engine.Networks;

/// <summary>A LoRA or embedding file in the library: the name prompts use (the file name) and A1111's short hash.</summary>
/// <param name="ShortHash">12 hex digits as A1111's infotext writes them; empty for a file SdWeb refuses to read (pickles).</param>
public sealed record NetworkFile(string Name, string Path, string ShortHash);
