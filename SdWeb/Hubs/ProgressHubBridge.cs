using Microsoft.AspNetCore.SignalR;
using SdWeb.Generation;

namespace SdWeb.Hubs;

/// <summary>Forwards every job update from the notifier to the hub group watching that job.</summary>
public sealed class ProgressHubBridge(JobNotifier notifier, IHubContext<ProgressHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.SubscribeToAll(update =>
            hub.Clients.Group(ProgressHub.GroupOf(update.JobId)).SendAsync(ProgressHub.UpdateMethod, JobView.From(update)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
