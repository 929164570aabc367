namespace SdWeb.Engine.Networks;

/// <summary>A LoRA file read into memory: its layers, which own their tensors.</summary>
internal sealed record LoraNetwork(string Path, IReadOnlyList<LoraLayer> Layers) : IDisposable
{
    public void Dispose()
    {
        foreach (var layer in Layers)
        {
            layer.Down.Dispose();
            layer.Up.Dispose();
        }
    }
}
