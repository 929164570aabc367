namespace SdWeb.Options;

/// <summary>Settings under <c>SdWeb:Worker</c>.</summary>
public sealed record WorkerOptions
{
    /// <summary>Run the engine in this process (the default); false for a web node whose jobs run in `SdWeb worker` processes.</summary>
    public bool Enabled { get; init; } = true;
}
