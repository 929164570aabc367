namespace SdWeb.Generation;

/// <summary>What the heartbeat of a claimed job finds in the job's row.</summary>
public enum LeaseState
{
    /// <summary>Still this worker's job, nobody asked to stop it.</summary>
    Held,

    /// <summary>Still this worker's job, and someone cancelled it (on any node).</summary>
    CancelRequested,

    /// <summary>No longer this worker's job (its lease ran out and the job was put back or taken over): stop without recording anything.</summary>
    Lost,
}
