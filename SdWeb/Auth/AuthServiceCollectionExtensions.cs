using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Data;
using SdWeb.Options;

namespace SdWeb.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// How often a session's cookie (each request) and a Blazor circuit check the user's security stamp, so an
    /// administrator's change to an account (lock, demotion, new password, deletion) ends that user's sessions this soon.
    /// </summary>
    public static readonly TimeSpan SessionRecheckInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Identity with cookies on the app database, lockout after repeated failures, and a fallback policy that requires
    /// a signed-in user everywhere (pages, hub, API, image URLs) unless an endpoint explicitly allows anonymous access.
    /// </summary>
    public static IServiceCollection AddSdWebAuth(this IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieOrApiKeyScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme(CookieOrApiKeyScheme, null, o => o.ForwardDefaultSelector = SchemeFor)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.AddSingleton<ApiKeyService>();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.Cookie.Name = CookieName;
            cookie.Events.OnRedirectToLogin = ctx => AnswerMachinesWithStatus(ctx, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = ctx => AnswerMachinesWithStatus(ctx, StatusCodes.Status403Forbidden);
        });

        services.AddIdentityCore<AppUser>(IdentityRules)
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<AdminClaimsPrincipalFactory>();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = SessionRecheckInterval);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        // Cookie keys live with the data, so logins survive restarts and container rebuilds that keep the data volume.
        services.AddDataProtection();
        services.AddOptions<KeyManagementOptions>().Configure<SdWebOptions>((keys, sdweb) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(sdweb.DataPath, "keys")), NullLoggerFactory.Instance));

        services.AddScoped<AccountService>();
        services.AddScoped<AccountAdministration>();
        services.AddSingleton<UserPreferences>();
        return services;
    }

    /// <summary>Account, password and lockout rules; the command line's `users add` uses the same.</summary>
    public static void IdentityRules(IdentityOptions o)
    {
        o.SignIn.RequireConfirmedAccount = false;
        o.User.RequireUniqueEmail = false;
        o.Password.RequiredLength = 8;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequireUppercase = false;
        o.Password.RequireLowercase = false;
        o.Password.RequireDigit = false;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = 5;
        o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
    }

    private const string CookieOrApiKeyScheme = "CookieOrApiKey";
    private const string CookieName = "SdWeb.Auth";

    /// <summary>
    /// API keys count only on the API paths, and there only when sent (or when there is no session cookie, so the
    /// refusal explains how to send one); pages and the hub know only the session cookie.
    /// </summary>
    private static string SchemeFor(HttpContext context)
    {
        var request = context.Request;
        var isApi = request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/sdapi");
        return isApi && (request.Headers.Authorization.Count > 0 || !request.Cookies.ContainsKey(CookieName))
            ? ApiKeyAuthenticationHandler.SchemeName
            : IdentityConstants.ApplicationScheme;
    }

    /// <summary>API and hub callers get a status code; browsers asking for a page are redirected to the login form.</summary>
    private static Task AnswerMachinesWithStatus(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        var path = ctx.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/sdapi") || path.StartsWithSegments("/hubs"))
            ctx.Response.StatusCode = status;
        else
            ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
