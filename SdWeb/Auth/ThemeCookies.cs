namespace SdWeb.Auth;

/// <summary>
/// The theme on pages a session cannot know it from (the login page, a first visit): the user's choice, and the system
/// preference the browser reports (wwwroot/sdweb.js writes it on every page load, so the next page renders in it at once).
/// </summary>
public static class ThemeCookies
{
    public const string Choice = "sdweb-theme";
    public const string System = "sdweb-system-theme";
    public const string Dark = "dark";
    public const string Light = "light";

    /// <summary>The explicit choice, or null when the user has not chosen.</summary>
    public static bool? ChosenDark(IRequestCookieCollection cookies) => cookies[Choice] switch
    {
        Dark => true,
        Light => false,
        _ => null,
    };

    public static bool SystemDark(IRequestCookieCollection cookies) => cookies[System] == Dark;

    public static CookieOptions Options => new() { Path = "/", MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, IsEssential = true };
}
