namespace SdWeb.Engine.Networks;

/// <summary>A LoRA or embedding file in the library: the name prompts use (the file name) and A1111's short hash.</summary>
/// <param name="ShortHash">12 hex digits as A1111's infotext writes them; empty for a file SdWeb refuses to read (pickles).</param>
/// <param name="TextWidth">
/// The text-encoder width the file was made for (768 for SD 1.x, 1024 for SD 2.x), read from its header; it fits the
/// models whose text encoder has that width. Null when the header does not tell (or the file cannot be read).
/// </param>
public sealed record NetworkFile(string Name, string Path, string ShortHash, int? TextWidth = null)
{
    /// <summary>An embedding's number of vectors (the tokens its trigger word stands for); null for LoRAs and unreadable files.</summary>
    public int? Vectors { get; init; }

    /// <summary>The model family a width belongs to, as the picker names it.</summary>
    public static string FamilyOf(int textWidth) => textWidth switch
    {
        768 => "SD 1.x",
        1024 => "SD 2.x",
        _ => $"{textWidth}-wide text encoder",
    };
}
