using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Training.Scenes;

/// <summary>The RGB value of each <see cref="SceneColour"/>, and the tint a textured background draws its pattern in.</summary>
internal static class ScenePalette
{
    public static IReadOnlyList<SceneColour> Colours { get; } = Enum.GetValues<SceneColour>();

    public static Rgb24 Rgb(SceneColour colour) => colour switch
    {
        SceneColour.Red => new Rgb24(220, 40, 40),
        SceneColour.Orange => new Rgb24(245, 140, 20),
        SceneColour.Yellow => new Rgb24(240, 220, 40),
        SceneColour.Green => new Rgb24(40, 170, 60),
        SceneColour.Blue => new Rgb24(40, 80, 220),
        SceneColour.Purple => new Rgb24(140, 60, 190),
        SceneColour.White => new Rgb24(245, 245, 245),
        SceneColour.Black => new Rgb24(20, 20, 20),
        _ => throw new ArgumentOutOfRangeException(nameof(colour), colour, null),
    };

    /// <summary>
    /// The background's pattern colour: a quarter of the way towards black (light colours) or white (dark ones), so the
    /// background stays its named colour to the eye and to <see cref="SceneChecker"/>.
    /// </summary>
    public static Rgb24 Tint(SceneColour colour)
    {
        var c = Rgb(colour);
        int target = c.R * 299 + c.G * 587 + c.B * 114 > 128_000 ? 0 : 255;
        static byte Mix(byte v, int t) => (byte)Math.Round(v + (t - v) * 0.25);
        return new Rgb24(Mix(c.R, target), Mix(c.G, target), Mix(c.B, target));
    }

    public static string Word(SceneColour colour) => colour.ToString().ToLowerInvariant();
}
