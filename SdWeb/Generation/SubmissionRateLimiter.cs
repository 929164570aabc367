using System.Threading.RateLimiting;
using SdWeb.Options;

namespace SdWeb.Generation;

/// <summary>
/// Per-user limit on accepted submissions (a token bucket per user, from System.Threading.RateLimiting as ASP.NET Core's
/// rate limiter uses), applied in <see cref="JobSubmitter"/> so the Generate form and the API share it.
/// </summary>
public sealed class SubmissionRateLimiter(SdWebOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.SubmissionBurst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / options.SubmissionsPerMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Takes one submission from the user's budget; when it is spent, says how long until the next one is allowed.</summary>
    public bool TryAcquire(string userId, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero
            ? wait
            : TimeSpan.FromMinutes(1.0 / options.SubmissionsPerMinute);
        return false;
    }

    public void Dispose() => _limiter.Dispose();
}
