using SdWeb.Generation;

namespace SdWeb.ModelFiles;

/// <summary>
/// Deletes a model, VAE, LoRA or embedding named as the inventory lists it (never a path from the request). Refuses the
/// model the engine has loaded and the only model, saying what to do instead.
/// </summary>
public sealed class ModelFileRemoval(ModelInventory inventory, IModelLibrary library, PipelineHost host, ILogger<ModelFileRemoval> logger)
{
    /// <returns>Null when deleted; otherwise why not.</returns>
    public string? Delete(ModelKind kind, string name)
    {
        var file = inventory.List().FirstOrDefault(f => f.Kind == kind && f.Name == name);
        if (file is null) return $"There is no {kind} named {name} any more.";
        if (kind == ModelKind.Checkpoint)
        {
            if (library.Names() is [_])
                return $"{name} is the only model, and generating needs one. Download or copy in another model first, then delete this one.";
            if (host.LoadedModel == name)
                return $"{name} is the model the engine has loaded now. Generate an image with another model (that loads it instead), then delete this one.";
        }
        try
        {
            if (file.Format == ModelFileFormat.DiffusersFolder) Directory.Delete(file.Path, recursive: true);
            else File.Delete(file.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"Could not delete {file.Path}: {e.Message}";
        }
        logger.LogInformation("Deleted {Kind} {Name} ({Path})", kind, name, file.Path);
        return null;
    }
}
