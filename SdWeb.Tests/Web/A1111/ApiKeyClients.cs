using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Auth;
using SdWeb.Data;

namespace SdWeb.Tests.Web.A1111;

/// <summary>Users and their API keys, and cookie-less clients that send a key as AUTOMATIC1111 clients do.</summary>
public static class ApiKeyClients
{
    /// <summary>A new member (not admin) created directly, with one key; answers the user id and the key.</summary>
    public static async Task<(string UserId, string Key)> UserWithKeyAsync(IServiceProvider services, string userName, bool isAdmin = false)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = userName, IsAdmin = isAdmin };
        Assert.True((await users.CreateAsync(user, "correct horse battery")).Succeeded);
        var (_, key) = await services.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, "tests", CancellationToken.None);
        return (user.Id, key);
    }

    public static HttpClient Bearer(HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static HttpClient Basic(HttpClient client, string userName, string key)
    {
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{key}")));
        return client;
    }
}
