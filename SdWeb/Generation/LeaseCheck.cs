namespace SdWeb.Generation;

/// <summary>What the heartbeat of a claimed job reads in the job's row: the lease's state and the skips asked for so far.</summary>
public sealed record LeaseCheck(LeaseState State, int SkipRequests);
