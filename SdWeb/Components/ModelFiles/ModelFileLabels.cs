using System.Globalization;
using SdWeb.ModelFiles;

namespace SdWeb.Components.ModelFiles;

/// <summary>How the Models page names kinds, formats, sizes, rates and times.</summary>
public static class ModelFileLabels
{
    public static string Kind(ModelKind kind) => kind switch
    {
        ModelKind.Checkpoint => "Model",
        ModelKind.Vae => "VAE",
        ModelKind.Lora => "LoRA",
        _ => "Embedding",
    };

    public static string Format(ModelFile file) => file.Format switch
    {
        ModelFileFormat.DiffusersFolder => "diffusers folder",
        ModelFileFormat.SafeTensors => "safetensors",
        _ => Path.GetExtension(file.Path).TrimStart('.').ToLowerInvariant(),
    };

    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        int unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1) (bytes, unit) = (bytes / 1024, unit + 1);
        return string.Create(CultureInfo.InvariantCulture, $"{bytes:0.#} {units[unit]}");
    }

    public static string Duration(TimeSpan time) =>
        time.TotalHours >= 1 ? $"{(int)time.TotalHours}:{time:mm\\:ss}" : time.ToString("m\\:ss", CultureInfo.InvariantCulture);
}
