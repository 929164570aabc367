using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>The app's rows (with the fields a refused request could change) and files, as one comparable text.</summary>
public static class AppSnapshot
{
    public static async Task<string> TakeAsync(SdWebApp app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var jobs = await db.Jobs.OrderBy(j => j.Id).Select(j => $"{j.Id} {j.Status} {j.FinishedAt}").ToListAsync();
        var images = await db.Images.OrderBy(i => i.Id).Select(i => $"{i.Id} {i.FilePath} {i.Favourite}").ToListAsync();
        var users = await db.Users.OrderBy(u => u.UserName).Select(u => $"{u.UserName} {u.PasswordHash} {u.AccessFailedCount}").ToListAsync();
        var invites = await db.Invites.CountAsync();
        var data = app.Dir["data"];
        var files = Directory.EnumerateFiles(app.Dir.Path, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("sdweb.db", StringComparison.Ordinal) && !f.StartsWith(Path.Combine(data, "keys"), StringComparison.Ordinal))
            .Select(f => $"{Path.GetRelativePath(app.Dir.Path, f)} {new FileInfo(f).Length}")
            .Order(StringComparer.Ordinal);
        return string.Join("\n", jobs.Concat(images).Concat(users).Append($"invites {invites}").Concat(files));
    }
}
