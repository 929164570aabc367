namespace SdWeb.Storage;

/// <summary>
/// Creates the temporary files <see cref="ImageStore"/> writes images into. A seam so tests can make the disk fill up
/// half-way through a write.
/// </summary>
public class ImageFileWriter
{
    /// <summary>A new file open for writing; fails if it already exists.</summary>
    public virtual Stream Create(string path) => new FileStream(path, FileMode.CreateNew, FileAccess.Write);
}
