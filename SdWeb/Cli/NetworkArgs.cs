using SdWeb.Engine.Networks;

namespace SdWeb.Cli;

/// <summary>
/// The --lora-dir and --embeddings-dir options. By default they are <c>Lora/</c> and <c>embeddings/</c> in the folder
/// that holds the model, the layout of the web app's models folder (and of AUTOMATIC1111's <c>models/</c>).
/// </summary>
public static class NetworkArgs
{
    public static CliOption LoraDir { get; } =
        new("lora-dir", "DIR", "where <lora:name:weight> tags find name.safetensors (default: Lora/ beside the model)");

    public static CliOption EmbeddingsDir { get; } =
        new("embeddings-dir", "DIR", "textual-inversion embeddings, trigger word = file name (default: embeddings/ beside the model)");

    public static NetworkLibrary Library(CliArgs args, string modelPath)
    {
        var modelsFolder = Path.GetDirectoryName(Path.GetFullPath(modelPath.TrimEnd('/', '\\'))) ?? ".";
        var defaults = NetworkLibrary.InModelsFolder(modelsFolder);
        return new NetworkLibrary(args.Get(LoraDir.Name) ?? defaults.LoraFolder, args.Get(EmbeddingsDir.Name) ?? defaults.EmbeddingsFolder);
    }
}
