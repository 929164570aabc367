using MudBlazor;

namespace SdWeb.Components.Layout;

/// <summary>
/// The app's MudBlazor palettes. Every text colour, and every filled colour against its contrast text, passes WCAG AA
/// (4.5:1) on both backgrounds: MudBlazor's defaults do not (white on its green, red, orange and dark-mode primary).
/// </summary>
public static class SdWebTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#5241b8",
            Secondary = "#b0306a",
            Tertiary = "#00695c",
            Info = "#1565c0",
            Success = "#2e7d32",
            Warning = "#8a5300",
            Error = "#c62828",
            Background = "#f7f7fb",
            Surface = "#ffffff",
            TextPrimary = "#1f1d2b",
            TextSecondary = "#5c5a6e",
            AppbarBackground = "#2e2a4f",
            AppbarText = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#1f1d2b",
            DrawerIcon = "#5c5a6e",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#b3a8ff",
            PrimaryContrastText = "#15141c",
            Secondary = "#f48fb1",
            SecondaryContrastText = "#15141c",
            Tertiary = "#80cbc4",
            TertiaryContrastText = "#15141c",
            Info = "#8ab4f8",
            InfoContrastText = "#15141c",
            Success = "#81c784",
            SuccessContrastText = "#15141c",
            Warning = "#fdd663",
            WarningContrastText = "#15141c",
            Error = "#f28b82",
            ErrorContrastText = "#15141c",
            Background = "#15141c",
            Surface = "#201f2b",
            TextPrimary = "#ecebf3",
            TextSecondary = "#b4b2c5",
            AppbarBackground = "#1c1a2e",
            AppbarText = "#ecebf3",
            DrawerBackground = "#1a1925",
            DrawerText = "#ecebf3",
            DrawerIcon = "#b4b2c5",
        },
    };
}
