using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SdWeb.Auth;

/// <summary>
/// Signs in API callers by key: <c>Authorization: Bearer KEY</c>, or HTTP Basic with the user name and the key as the
/// password (what AUTOMATIC1111 clients send for <c>--api-auth</c>). The owner is re-read on every request, so a
/// locked account's keys stop working at once. Refusals answer 401 with what was wrong.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private string? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) || header.Parameter is null)
            return AuthenticateResult.NoResult();

        string? userName = null;
        string secret;
        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) secret = header.Parameter;
        else if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && DecodeBasic(header.Parameter) is { } basic)
            (userName, secret) = basic;
        else return Fail("The Authorization header must be 'Bearer <API key>' or Basic with your user name and an API key as the password.");

        var key = await keys.FindAsync(secret.Trim(), Context.RequestAborted);
        if (key?.User is not { } user) return Fail("The API key is wrong or revoked. Create a key on your profile page (/profile).");
        if (userName is not null && !string.Equals(userName, user.UserName, StringComparison.OrdinalIgnoreCase))
            return Fail("The API key does not belong to that user name.");
        if (AccountLock.IsLocked(user, clock.GetUtcNow())) return Fail("This account is locked; its API keys do not work.");

        await keys.NoteUseAsync(key, Context.RequestAborted);
        var identity = new ClaimsIdentity(SchemeName);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, user.Id));
        identity.AddClaim(new Claim(ClaimTypes.Name, user.UserName ?? ""));
        if (user.IsAdmin) identity.AddClaim(new Claim(ClaimTypes.Role, Roles.Admin));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"SdWeb\"";
        await Response.WriteAsJsonAsync(new
        {
            title = "Unauthorized",
            status = 401,
            detail = _failure ?? "Send an API key: 'Authorization: Bearer <key>', or Basic with your user name and the key as password.",
        }, Context.RequestAborted);
    }

    private AuthenticateResult Fail(string message)
    {
        _failure = message;
        return AuthenticateResult.Fail(message);
    }

    private static (string User, string Secret)? DecodeBasic(string parameter)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException) { return null; }
    }
}
