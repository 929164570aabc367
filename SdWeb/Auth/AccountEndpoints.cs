using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SdWeb.Data;

namespace SdWeb.Auth;

public static class AccountEndpoints
{
    /// <summary>
    /// Logout is a form POST (antiforgery-checked because it binds a form field) from the user menu. The theme toggle
    /// of the static account pages posts too: it remembers the choice in a cookie and, when signed in, on the account.
    /// </summary>
    public static WebApplication MapSdWebAccount(this WebApplication app)
    {
        app.MapPost("/Account/Logout", async (SignInManager<AppUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/Account/Login");
        });
        app.MapPost("/Account/Theme", async (HttpContext http, UserPreferences preferences, [FromForm] bool dark, [FromForm] string? returnUrl) =>
        {
            http.Response.Cookies.Append(ThemeCookies.Choice, dark ? ThemeCookies.Dark : ThemeCookies.Light, ThemeCookies.Options);
            if (http.User.Identity?.IsAuthenticated == true)
                await preferences.SetDarkModeAsync(http.User.UserId(), dark, http.RequestAborted);
            return TypedResults.LocalRedirect(LocalUrl.OrHome(returnUrl));
        }).AllowAnonymous();
        return app;
    }
}
