using SdWeb.Engine.Imaging;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Options;
using SixLabors.ImageSharp;

namespace SdWeb.Generation;

/// <summary>
/// Img2img sources uploaded from the form, kept as PNG under {DataDir}/uploads/&lt;id&gt;.png. A job names one by id,
/// as it names a gallery image. Uploads are checked in bytes while reading, then in dimensions from the header
/// before any pixel is decoded (the engine's reader), then written to a temporary file and renamed into place.
/// </summary>
public sealed class SourceUploads(SdWebOptions options, GenerationLimits limits)
{
    public const string Folder = "uploads";

    /// <exception cref="ArgumentException">Too large, not an image, or too many pixels; the message says which.</exception>
    public async Task<Guid> SaveAsync(Stream upload, string fileName, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await upload.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > options.MaxUploadBytes)
                throw new ArgumentException(
                    $"{fileName} is larger than the upload limit of {options.MaxUploadBytes / (1024 * 1024)} MB; use a smaller image.");
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        using var image = InitImageReader.Read(buffer, limits, fileName);

        var id = Guid.CreateVersion7();
        var path = PathOf(id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await image.SaveAsPngAsync(temp, cancellationToken);
        File.Move(temp, path);
        return id;
    }

    public bool Exists(Guid id) => File.Exists(PathOf(id));

    public string PathOf(Guid id) => Path.Combine(options.DataPath, Folder, $"{id}.png");
}
