using System.Security.Claims;

namespace SdWeb.Auth;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id (AspNetUsers.Id).</summary>
    /// <exception cref="InvalidOperationException">Nobody is signed in (the fallback policy should have stopped the request).</exception>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in user on this request.");

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);
}
