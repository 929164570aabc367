using SdWeb.Engine.Networks;
using SdWeb.Generation;
using SdWeb.Options;

namespace SdWeb.ModelFiles;

/// <summary>Where each kind of file lives under ModelsDir, in AUTOMATIC1111's layout (as the libraries that list them say).</summary>
public sealed class ModelFolders(SdWebOptions options, VaeLibrary vaes, NetworkLibrary networks)
{
    public string Of(ModelKind kind) => kind switch
    {
        ModelKind.Checkpoint => options.ModelsPath,
        ModelKind.Vae => vaes.Folder,
        ModelKind.Lora => networks.LoraFolder,
        ModelKind.Embedding => networks.EmbeddingsFolder,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
