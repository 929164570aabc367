namespace SdWeb.Engine.Networks;

/// <summary>A LoRA file read into memory: its layers (which own their tensors) and AUTOMATIC1111's hash of it.</summary>
/// <param name="Hash">The full SHA-256 A1111 uses (the file's <c>sshs_model_hash</c> or the hash of its data area).</param>
internal sealed record LoraNetwork(string Path, string Hash, IReadOnlyList<LoraLayer> Layers) : IDisposable
{
    /// <summary>What "Lora hashes" writes: the first 12 hex digits.</summary>
    public string ShortHash => NetworkHashes.Short(Hash);

    public void Dispose()
    {
        foreach (var layer in Layers)
        {
            layer.Down.Dispose();
            layer.Up.Dispose();
        }
    }
}
