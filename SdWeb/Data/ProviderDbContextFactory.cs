using Microsoft.EntityFrameworkCore;

namespace SdWeb.Data;

/// <summary>Hands out a provider's own context type (which carries its migrations) as the <see cref="AppDbContext"/> the app uses.</summary>
internal sealed class ProviderDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AppDbContext>
    where TContext : AppDbContext
{
    public AppDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<AppDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
