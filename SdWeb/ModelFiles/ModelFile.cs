namespace SdWeb.ModelFiles;

/// <summary>
/// One model, VAE, LoRA or embedding on disk, as listed without reading its contents.
/// <see cref="Name"/> is how the app names it (a checkpoint's path relative to ModelsDir, a network's file name).
/// </summary>
public sealed record ModelFile(ModelKind Kind, string Name, string Path, ModelFileFormat Format, long SizeBytes);

public enum ModelFileFormat
{
    DiffusersFolder,
    SafeTensors,

    /// <summary>A pickle (.ckpt, .pt, .bin): listed so it can be deleted, never loaded.</summary>
    Pickle,
}
