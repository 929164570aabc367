namespace SdWeb.Tests.Web.Support;

/// <summary>A wall clock the test sets (for dates stored in rows: invite expiry, image folders, date filters).</summary>
public sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
