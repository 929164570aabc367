using MudBlazor;

namespace SdWeb.Components.Layout;

/// <summary>The app's MudBlazor palette; shared by the main and the account layouts.</summary>
public static class SdWebTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#5b4bc4",
            Secondary = "#e0679a",
            AppbarBackground = "#2e2a4f",
        },
    };
}
