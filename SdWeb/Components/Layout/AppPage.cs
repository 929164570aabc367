namespace SdWeb.Components.Layout;

/// <summary>A page the navigation lists: the drawer's menu and the static pages' app-bar links read the one list.</summary>
/// <param name="StaticRendered">Rendered on the server without a circuit (Identity's pages), so links to it load it afresh.</param>
public sealed record AppPage(string Href, string Title, string Icon, bool AdminOnly = false, bool StaticRendered = false)
{
    public static IReadOnlyList<AppPage> All { get; } =
    [
        new("generate", "Generate", MudBlazor.Icons.Material.Filled.Brush),
        new("gallery", "Gallery", MudBlazor.Icons.Material.Filled.PhotoLibrary),
        new("styles", "Styles", MudBlazor.Icons.Material.Filled.Style),
        new("profile", "API keys", MudBlazor.Icons.Material.Filled.Key),
        new("models", "Models", MudBlazor.Icons.Material.Filled.Storage, AdminOnly: true),
        new("Account/Users", "Users", MudBlazor.Icons.Material.Filled.People, AdminOnly: true, StaticRendered: true),
    ];
}
