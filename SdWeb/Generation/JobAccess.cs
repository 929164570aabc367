using System.Security.Claims;
using SdWeb.Auth;

namespace SdWeb.Generation;

/// <summary>Who is asking about a job: only its owner and admins may see or cancel it.</summary>
public sealed record JobAccess(string UserId, bool IsAdmin)
{
    public static JobAccess Of(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("The signed-in user has no id claim; sign in again."),
        user.IsInRole(Roles.Admin));

    public bool MaySee(string ownerId) => IsAdmin || ownerId == UserId;
}
