namespace SdWeb.Scaling.Capacity;

/// <summary>One successful claim: its place in the order claims returned, who took which user's job, and how long the call took.</summary>
internal sealed record ClaimRecord(long Order, string Worker, Guid JobId, string UserId, TimeSpan Latency);
