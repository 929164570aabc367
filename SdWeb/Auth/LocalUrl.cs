namespace SdWeb.Auth;

/// <summary>Keeps post-login redirects inside the app (an attacker's returnUrl must not send users elsewhere).</summary>
public static class LocalUrl
{
    public static string OrHome(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return "/";
        var path = url.StartsWith('/') ? url : "/" + url;
        bool leavesSite = path.StartsWith("//", StringComparison.Ordinal) || path.StartsWith("/\\", StringComparison.Ordinal)
                          || path.Contains("://", StringComparison.Ordinal) || path.Any(char.IsControl);
        return leavesSite ? "/" : path;
    }
}
