namespace SdWeb.Storage;

public enum DeleteOutcome
{
    Deleted,
    NotFound,

    /// <summary>Only the author or an admin may delete an image.</summary>
    Forbidden,
}
