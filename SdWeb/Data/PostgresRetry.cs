using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace SdWeb.Data;

/// <summary>
/// A PostgreSQL server that restarts or drops connections is waited for, statement by statement (EF Core's retrying
/// execution strategy), instead of failing whatever was running: a job's row, its images, a claim, a page. The app opens
/// no transactions of its own, which that strategy would refuse. Besides the errors Npgsql calls transient, a restart's
/// "terminating connection due to administrator command" (57P01) and a crashed server's 57P02 are retried: the statement
/// they interrupt was rolled back. Retries back off to <see cref="MaxDelay"/>, about a minute in all; a longer outage
/// reaches the callers, whose own loops (claims, heartbeat, sweeper) try again.
/// </summary>
public static class PostgresRetry
{
    public const int MaxRetries = 12;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private static readonly string[] RestartErrors = ["57P01", "57P02"];

    public static void Configure(NpgsqlDbContextOptionsBuilder npgsql) => npgsql.EnableRetryOnFailure(MaxRetries, MaxDelay, RestartErrors);
}
