using SdWeb.Data;

namespace SdWeb.Auth;

/// <summary>
/// Two kinds of lockout share Identity's LockoutEnd: a few minutes after repeated failed sign-ins, or for good when an
/// administrator locks the account (a lockout that never ends).
/// </summary>
public static class AccountLock
{
    public static readonly DateTimeOffset ByAdministrator = DateTimeOffset.MaxValue;

    public static bool IsLocked(AppUser user, DateTimeOffset now) => user.LockoutEnd > now;

    public static bool IsLockedByAdministrator(AppUser user) => user.LockoutEnd == ByAdministrator;
}
