using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SdWeb.Generation;

namespace SdWeb.Hubs;

/// <summary>
/// Live job progress for non-Blazor clients: call <see cref="Watch"/> with a job id, then receive
/// <c>jobUpdated</c> messages (<see cref="JobView"/>) until the job finishes.
/// </summary>
[Authorize]
public sealed class ProgressHub(JobReader reader) : Hub
{
    public const string Path = "/hubs/progress";
    public const string UpdateMethod = "jobUpdated";

    public static string GroupOf(Guid jobId) => $"job:{jobId}";

    /// <summary>Subscribes this connection to a job of the caller's (any job for admins) and returns its state now.</summary>
    public async Task<JobView> Watch(Guid jobId)
    {
        var (view, forbidden) = await reader.ReadAsync(jobId, JobAccess.Of(Context.User!), Context.ConnectionAborted);
        if (forbidden) throw new HubException("This job belongs to someone else.");
        if (view is null) throw new HubException($"No job {jobId}.");
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(jobId));
        return view;
    }

    public Task Unwatch(Guid jobId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(jobId));
}
