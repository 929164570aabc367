using MudBlazor;
using MudBlazor.Utilities;
using SdWeb.Components.Layout;

namespace SdWeb.Tests.Web.Components;

/// <summary>The palettes against WCAG 2.x's contrast formula (AA: 4.5:1 for text), in both themes.</summary>
[Layer(Layer.Web)]
public sealed class SdWebThemeTests
{
    private const double AA = 4.5;

    public static TheoryData<string> Themes => new() { "light", "dark" };

    private static Palette PaletteOf(string theme) => theme == "dark" ? SdWebTheme.Theme.PaletteDark : SdWebTheme.Theme.PaletteLight;

    [Theory]
    [MemberData(nameof(Themes))]
    public void TextAndAccentColoursAreReadableOnTheBackgroundAndOnCards(string theme)
    {
        var p = PaletteOf(theme);
        MudColor[] texts = [p.TextPrimary, p.TextSecondary, p.Primary, p.Secondary, p.Tertiary, p.Info, p.Success, p.Warning, p.Error];
        foreach (var text in texts)
        {
            Assert.True(Contrast(text, p.Background) >= AA, $"{theme}: {text} on the background {p.Background}: {Contrast(text, p.Background):0.00}");
            Assert.True(Contrast(text, p.Surface) >= AA, $"{theme}: {text} on a card {p.Surface}: {Contrast(text, p.Surface):0.00}");
        }
    }

    [Theory]
    [MemberData(nameof(Themes))]
    public void FilledButtonsChipsAndBarsAreReadable(string theme)
    {
        var p = PaletteOf(theme);
        (MudColor Fill, MudColor Text)[] pairs =
        [
            (p.Primary, p.PrimaryContrastText), (p.Secondary, p.SecondaryContrastText), (p.Tertiary, p.TertiaryContrastText),
            (p.Info, p.InfoContrastText), (p.Success, p.SuccessContrastText), (p.Warning, p.WarningContrastText),
            (p.Error, p.ErrorContrastText), (p.AppbarBackground, p.AppbarText), (p.DrawerBackground, p.DrawerText),
        ];
        foreach (var (fill, text) in pairs)
            Assert.True(Contrast(text, fill) >= AA, $"{theme}: {text} on {fill}: {Contrast(text, fill):0.00}");
    }

    // https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio and #dfn-relative-luminance
    private static double Contrast(MudColor a, MudColor b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance(MudColor c) => 0.2126 * Channel(c.R) + 0.7152 * Channel(c.G) + 0.0722 * Channel(c.B);

    private static double Channel(byte value)
    {
        var s = value / 255.0;
        return s <= 0.03928 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
    }
}
