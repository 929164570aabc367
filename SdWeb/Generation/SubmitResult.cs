namespace SdWeb.Generation;

/// <summary>Either the id of the stored, queued job, or what is wrong, by <see cref="JobRequest"/> property.</summary>
public sealed record SubmitResult(Guid? JobId, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Accepted => JobId is not null;

    public static SubmitResult Queued(Guid jobId) => new(jobId, new Dictionary<string, string[]>());
}
