using SdWeb.Engine.Pipelines;

namespace SdWeb.Generation;

/// <summary>
/// A preview as published: encoded to JPEG lazily, once, by the first subscriber that sends it — so the engine's
/// thread never encodes, and previews that throttling drops are never encoded at all.
/// </summary>
public sealed class EncodedPreview
{
    private readonly Lazy<byte[]> _jpeg;
    private readonly Lazy<string> _dataUrl;

    public EncodedPreview(PreviewImage preview)
        : this(new Lazy<byte[]>(() => PreviewEncoder.ToJpeg(preview)))
    {
    }

    private EncodedPreview(Lazy<byte[]> jpeg)
    {
        _jpeg = jpeg;
        _dataUrl = new Lazy<string>(() => "data:image/jpeg;base64," + Convert.ToBase64String(_jpeg.Value));
    }

    /// <summary>A preview another node already encoded (it came through Redis).</summary>
    public static EncodedPreview FromJpeg(byte[] jpeg) => new(new Lazy<byte[]>(jpeg));

    public byte[] Jpeg => _jpeg.Value;

    /// <summary>The JPEG as a <c>data:</c> URL for an img element.</summary>
    public string DataUrl => _dataUrl.Value;
}
