using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>A running job whose worker stopped renewing its lease, and where that left it: queued again, or failed.</summary>
public sealed record ExpiredLease(Guid JobId, string UserId, JobStatus Status, string? Error);
