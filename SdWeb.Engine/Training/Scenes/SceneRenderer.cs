using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// Draws a <see cref="Scene"/> as a 64×64 RGB image: 4×4 samples per pixel averaged (anti-aliased edges), background
/// pattern first, objects over it in order. A pure function of the scene, so a seed's scenes give the same bytes.
/// </summary>
internal static class SceneRenderer
{
    private const int Samples = 4;
    private const double StripePeriod = 8, StripeWidth = 3, DotPeriod = 8, DotRadius = 1.8;

    public static Image<Rgb24> Render(Scene scene)
    {
        var outlines = scene.Objects.Select(o => (Outline: new ShapeOutline(o), Rgb: ScenePalette.Rgb(o.Colour))).ToList();
        var (plain, tint) = (ScenePalette.Rgb(scene.Background), ScenePalette.Tint(scene.Background));
        var image = new Image<Rgb24>(SceneLayout.Size, SceneLayout.Size);
        for (int y = 0; y < SceneLayout.Size; y++)
            for (int x = 0; x < SceneLayout.Size; x++)
            {
                int r = 0, g = 0, b = 0;
                for (int sy = 0; sy < Samples; sy++)
                    for (int sx = 0; sx < Samples; sx++)
                    {
                        double px = x + (sx + 0.5) / Samples, py = y + (sy + 0.5) / Samples;
                        var colour = IsPattern(scene.Texture, px, py) ? tint : plain;
                        foreach (var (outline, rgb) in outlines)
                            if (outline.Contains(px, py)) colour = rgb;
                        (r, g, b) = (r + colour.R, g + colour.G, b + colour.B);
                    }
                const int n = Samples * Samples;
                image[x, y] = new Rgb24((byte)((r + n / 2) / n), (byte)((g + n / 2) / n), (byte)((b + n / 2) / n));
            }
        return image;
    }

    private static bool IsPattern(BackgroundTexture texture, double x, double y) => texture switch
    {
        BackgroundTexture.Striped => (x + y) % StripePeriod < StripeWidth,
        BackgroundTexture.Dotted => Math.Pow(x % DotPeriod - DotPeriod / 2, 2) + Math.Pow(y % DotPeriod - DotPeriod / 2, 2) < DotRadius * DotRadius,
        _ => false,
    };
}
