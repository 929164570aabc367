namespace SdWeb.Generation;

/// <summary>Either the id of the stored, queued job, or what is wrong, by <see cref="JobRequest"/> property.</summary>
public sealed record SubmitResult(Guid? JobId, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Accepted => JobId is not null;

    /// <summary>Set when the user's submission budget is spent: how long until the next job is accepted.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The rate-limit refusal; the message is keyed by the prompt, where the form shows it.</summary>
    public static SubmitResult RateLimited(TimeSpan retryAfter)
    {
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        return new SubmitResult(null, new Dictionary<string, string[]>
        {
            [nameof(JobRequest.Prompt)] = [$"You have submitted many jobs in a short time; try again in {seconds} s."],
        })
        { RetryAfter = TimeSpan.FromSeconds(seconds) };
    }

    public static SubmitResult Queued(Guid jobId) => new(jobId, new Dictionary<string, string[]>());
}
