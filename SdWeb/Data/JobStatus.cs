namespace SdWeb.Data;

/// <summary>Where a job is in its life. Stored as text so the database reads plainly.</summary>
public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
