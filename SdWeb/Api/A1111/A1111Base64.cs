namespace SdWeb.Api.A1111;

/// <summary>AUTOMATIC1111 clients send images as base64, sometimes as a data URL (<c>data:image/png;base64,…</c>).</summary>
public static class A1111Base64
{
    /// <summary>The bytes, or null when the text (after any data: prefix) is not base64.</summary>
    public static byte[]? Decode(string text)
    {
        var comma = text.StartsWith("data:", StringComparison.Ordinal) ? text.IndexOf(',', StringComparison.Ordinal) : -1;
        var payload = comma >= 0 ? text[(comma + 1)..] : text;
        var bytes = new byte[payload.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(payload, bytes, out var length) ? bytes[..length] : null;
    }
}
