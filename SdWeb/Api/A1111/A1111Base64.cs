namespace SdWeb.Api.A1111;

/// <summary>AUTOMATIC1111's API sends files as base64 text, a <c>data:</c> URL prefix allowed.</summary>
public static class A1111Base64
{
    /// <summary>The bytes, or null when the text is not base64.</summary>
    public static byte[]? Bytes(string text)
    {
        var comma = text.StartsWith("data:", StringComparison.Ordinal) ? text.IndexOf(',', StringComparison.Ordinal) : -1;
        var payload = comma >= 0 ? text[(comma + 1)..] : text;
        var bytes = new byte[payload.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(payload, bytes, out var length) ? bytes[..length] : null;
    }
}
