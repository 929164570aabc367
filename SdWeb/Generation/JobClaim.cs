namespace SdWeb.Generation;

/// <summary>A job a worker has claimed: it runs it while it holds the lease, renewing it before <see cref="LeaseExpiresAt"/>.</summary>
public sealed record JobClaim(Guid JobId, string UserId, string ModelName, DateTime LeaseExpiresAt);
