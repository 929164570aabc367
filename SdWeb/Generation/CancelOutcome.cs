namespace SdWeb.Generation;

public enum CancelOutcome
{
    /// <summary>It was waiting and will not run.</summary>
    Cancelled,

    /// <summary>It is running and stops at its next step.</summary>
    Stopping,

    NotFound,

    /// <summary>Someone else's job, and the caller is not an admin.</summary>
    Forbidden,

    AlreadyFinished,
}
