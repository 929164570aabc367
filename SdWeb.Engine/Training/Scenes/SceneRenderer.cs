using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// Draws a <see cref="Scene"/> as a 64×64 RGB image: 4×4 samples per pixel averaged (anti-aliased edges), background
/// pattern first, objects over it in order. A pure function of the scene, so a seed's scenes give the same bytes.
/// </summary>
internal static class SceneRenderer
{
    private const int Samples = 4, Grid = SceneLayout.Size * Samples;
    private const double StripePeriod = 8, StripeWidth = 3, DotPeriod = 8, DotRadius = 1.8;

    /// <summary>The sample points' coordinate along either axis: pixel + (sample + ½) / <see cref="Samples"/>.</summary>
    private static readonly double[] SampleCoordinates =
        [.. Enumerable.Range(0, Grid).Select(i => i / Samples + (i % Samples + 0.5) / Samples)];

    /// <summary>
    /// Which sample points each pattern covers, [row · Grid + column]. The same for every scene, so computed once: the
    /// per-sample modulo and powers were most of a render's time (training draws 16 scenes a step).
    /// </summary>
    private static readonly Lazy<bool[]> Stripes = new(() => PatternMask(BackgroundTexture.Striped)),
        Dots = new(() => PatternMask(BackgroundTexture.Dotted));

    public static Image<Rgb24> Render(Scene scene)
    {
        var outlines = scene.Objects.Select(o => (Outline: new ShapeOutline(o), Rgb: ScenePalette.Rgb(o.Colour))).ToArray();
        var (plain, tint) = (ScenePalette.Rgb(scene.Background), ScenePalette.Tint(scene.Background));
        var pattern = scene.Texture switch
        {
            BackgroundTexture.Striped => Stripes.Value,
            BackgroundTexture.Dotted => Dots.Value,
            _ => null,
        };
        var pixels = new Rgb24[SceneLayout.Size * SceneLayout.Size];
        for (int y = 0; y < SceneLayout.Size; y++)
            for (int x = 0; x < SceneLayout.Size; x++)
            {
                int r = 0, g = 0, b = 0;
                for (int row = y * Samples; row < (y + 1) * Samples; row++)
                    for (int column = x * Samples; column < (x + 1) * Samples; column++)
                    {
                        var colour = pattern is not null && pattern[row * Grid + column] ? tint : plain;
                        foreach (var (outline, rgb) in outlines)
                            if (outline.Contains(SampleCoordinates[column], SampleCoordinates[row])) colour = rgb;
                        (r, g, b) = (r + colour.R, g + colour.G, b + colour.B);
                    }
                const int n = Samples * Samples;
                pixels[y * SceneLayout.Size + x] = new Rgb24((byte)((r + n / 2) / n), (byte)((g + n / 2) / n), (byte)((b + n / 2) / n));
            }
        return Image.LoadPixelData<Rgb24>(pixels, SceneLayout.Size, SceneLayout.Size);
    }

    private static bool[] PatternMask(BackgroundTexture texture)
    {
        var mask = new bool[Grid * Grid];
        for (int row = 0; row < Grid; row++)
            for (int column = 0; column < Grid; column++)
                mask[row * Grid + column] = IsPattern(texture, SampleCoordinates[column], SampleCoordinates[row]);
        return mask;
    }

    private static bool IsPattern(BackgroundTexture texture, double x, double y) => texture switch
    {
        BackgroundTexture.Striped => (x + y) % StripePeriod < StripeWidth,
        BackgroundTexture.Dotted => Math.Pow(x % DotPeriod - DotPeriod / 2, 2) + Math.Pow(y % DotPeriod - DotPeriod / 2, 2) < DotRadius * DotRadius,
        _ => false,
    };
}
