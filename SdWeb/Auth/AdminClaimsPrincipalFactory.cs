using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SdWeb.Data;

namespace SdWeb.Auth;

/// <summary>Adds the admin role claim to an admin's cookie so [Authorize(Roles = "admin")] and IsInRole work.</summary>
public sealed class AdminClaimsPrincipalFactory(UserManager<AppUser> userManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser>(userManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.IsAdmin) identity.AddClaim(new Claim(Options.ClaimsIdentity.RoleClaimType, Roles.Admin));
        return identity;
    }
}
