namespace SdWeb.Auth;

/// <summary>Role claims the app issues (from <see cref="Data.AppUser.IsAdmin"/>; there is no role table).</summary>
public static class Roles
{
    public const string Admin = "admin";
}
