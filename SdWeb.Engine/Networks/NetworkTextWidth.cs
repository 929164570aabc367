using SdWeb.Engine.Loading.SafeTensors;

namespace SdWeb.Engine.Networks;

/// <summary>
/// The text-encoder width a LoRA or embedding was made for, from its safetensors header alone (no tensor is read):
/// an embedding's vectors have that width; a LoRA's cross-attention key/value layers and its text-encoder layers take
/// inputs of that width (kohya and diffusers key names alike).
/// </summary>
internal static class NetworkTextWidth
{
    public static int? OfEmbedding(SafeTensorsFile file) => EmbeddingShape(file) is { } shape ? (int)shape[^1] : null;

    /// <summary>How many token vectors an embedding holds (A1111's <c>vectors</c>): a single vector is one.</summary>
    public static int? VectorsOfEmbedding(SafeTensorsFile file) => EmbeddingShape(file) is { } shape ? shape.Length == 1 ? 1 : (int)shape[0] : null;

    /// <summary>The shape of an embedding's vectors as <see cref="TextualInversionFile"/> picks them, when it is 1- or 2-D.</summary>
    private static long[]? EmbeddingShape(SafeTensorsFile file)
    {
        var tensors = file.Tensors.Values.ToList();
        var vectors = tensors.Count == 1 ? tensors[0]
            : tensors.FirstOrDefault(t => t.Name.StartsWith("string_to_param.", StringComparison.Ordinal));
        return vectors?.Shape is { Length: 1 or 2 } shape ? shape : null;
    }

    public static int? OfLora(SafeTensorsFile file)
    {
        foreach (var (name, info) in file.Tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (info.Shape.Length != 2 || !IsDown(name)) continue;
            // attn2's to_k/to_v read the text encoder's states; a text-encoder layer's q/k/v projections take its width.
            if (name.Contains("attn2_to_k", StringComparison.Ordinal) || name.Contains("attn2.to_k", StringComparison.Ordinal)
                || name.Contains("self_attn_q_proj", StringComparison.Ordinal) || name.Contains("self_attn.q_proj", StringComparison.Ordinal))
                return (int)info.Shape[1];
        }
        return null;
    }

    private static bool IsDown(string name) =>
        name.EndsWith("lora_down.weight", StringComparison.Ordinal) || name.EndsWith("lora.down.weight", StringComparison.Ordinal)
        || name.EndsWith("lora_A.weight", StringComparison.Ordinal);

    /// <summary>The width of a LoRA file, or null when it cannot be read (pickles are never opened).</summary>
    public static int? OfLoraFile(string path) => Read(path, nameof(OfLoraFile), OfLora);

    /// <summary>The width of an embedding file, or null when it cannot be read (pickles are never opened).</summary>
    public static int? OfEmbeddingFile(string path) => Read(path, nameof(OfEmbeddingFile), OfEmbedding);

    /// <summary>How many vectors an embedding file holds, or null when it cannot be read.</summary>
    public static int? VectorsOfEmbeddingFile(string path) => Read(path, nameof(VectorsOfEmbeddingFile), VectorsOfEmbedding);

    /// <summary>Read once per version of the file (<see cref="NetworkFileCache"/>): a header that cannot be read is kept as null too.</summary>
    private static int? Read(string path, string fact, Func<SafeTensorsFile, int?> width)
    {
        if (Loading.PickleRefusal.HasPickleExtension(path)) return null;
        try
        {
            return NetworkFileCache.Get(path, fact, filePath =>
            {
                try
                {
                    using var file = SafeTensorsFile.Open(filePath);
                    return width(file);
                }
                catch (Exception e) when (e is Loading.ModelLoadException or IOException)
                {
                    return null;
                }
            });
        }
        catch (IOException)
        {
            return null; // gone since the folder was listed
        }
    }
}
