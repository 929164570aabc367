namespace SdWeb.Hubs;

public static class HubsExtensions
{
    /// <summary>SignalR and the bridge that forwards every job update to the hub.</summary>
    public static IServiceCollection AddSdWebHubs(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddHostedService<ProgressHubBridge>();
        return services;
    }

    /// <summary>Live job progress for non-Blazor clients.</summary>
    public static WebApplication MapSdWebHubs(this WebApplication app)
    {
        app.MapHub<ProgressHub>(ProgressHub.Path);
        return app;
    }
}
