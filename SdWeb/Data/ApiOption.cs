namespace SdWeb.Data;

/// <summary>
/// One AUTOMATIC1111 option a user set through <c>POST /sdapi/v1/options</c> (keyed by A1111's option name), kept as
/// the JSON value the client sent so any option round-trips, also ones SdWeb does not act on.
/// </summary>
public sealed class ApiOption
{
    public required string UserId { get; set; }
    public AppUser? User { get; set; }

    public required string Key { get; set; }

    /// <summary>The value as JSON text.</summary>
    public required string Json { get; set; }
}
