using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SdWeb.Data;

/// <summary>
/// Lets `dotnet ef migrations add --context PostgresAppDbContext` build the PostgreSQL model without a server: adding a
/// migration never connects, so the connection string only has to parse.
/// </summary>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=localhost;Database=sdweb_design_time").Options);
}
