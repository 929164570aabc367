namespace SdWeb.Generation;

/// <summary>A job waiting to run: who asked for it and its place in submission order (the database's sequence number).</summary>
public sealed record QueuedJob(Guid JobId, string UserId, long Sequence);
