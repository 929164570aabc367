using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SdWeb.Data;

namespace SdWeb.Auth;

public static class AccountEndpoints
{
    /// <summary>Logout is a form POST (antiforgery-checked because it binds a form field) from the user menu.</summary>
    public static WebApplication MapSdWebAccount(this WebApplication app)
    {
        app.MapPost("/Account/Logout", async (SignInManager<AppUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/Account/Login");
        });
        return app;
    }
}
