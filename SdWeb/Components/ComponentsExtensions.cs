using MudBlazor.Services;

namespace SdWeb.Components;

public static class ComponentsExtensions
{
    /// <summary>Blazor with interactive server rendering, and MudBlazor.</summary>
    public static IServiceCollection AddSdWebComponents(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        return services;
    }

    /// <summary>Static assets (public: the login page needs its CSS) and the Razor component endpoints.</summary>
    public static WebApplication MapSdWebComponents(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
