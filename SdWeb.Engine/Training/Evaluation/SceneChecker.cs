using SdWeb.Engine.Training.Scenes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Training.Evaluation;

/// <summary>
/// Judges a 64×64 picture against a one-object caption by looking at its pixels only. Background: the palette colour
/// (plain or in its pattern tint) most of the 2-pixel border is near. Object: the largest 4-connected region of pixels
/// nearer another palette colour than the background; its centroid's nearest anchor is its position, its mean colour's
/// nearest palette colour its colour. Shape: a hole makes a ring; a region filling little of its convex hull is a star;
/// otherwise its area against the disc through its farthest pixel tells circle (≈1), square (2/π) and triangle (≈0.41).
/// The thresholds sit midway between the shapes' ranges on the renders and on renders softened by a 1-pixel Gaussian
/// blur, the softness any decoder leaves (convex shapes fill ≥ 1.02 of the pixel-centre hull, stars ≤ 0.79 sharp and
/// ≤ 0.98 softened; triangles ≤ 0.49 and ≤ 0.56 of the disc, squares ≥ 0.59): a softly drawn star is still a star.
/// </summary>
internal static class SceneChecker
{
    private const int Border = 2, MinObjectArea = 12;
    private const double BorderMatchDistance = 60, RingHoleShare = 0.12, StarHullFill = 0.95, CircleRoundness = 0.78, SquareRoundness = 0.575;

    public static SceneJudgement Judge(Image<Rgb24> image, Scene expected)
    {
        if (expected.Objects is not [var target])
            throw new ArgumentException("The checker judges one-object scenes (the held-out captions).", nameof(expected));
        var background = ReadBackground(image);
        var blob = Foreground(image, background).LargestComponent();
        var pixels = blob.Pixels().ToList();
        bool backgroundRight = background == expected.Background;
        if (pixels.Count < MinObjectArea)
            return new SceneJudgement(target.Shape, background, null, null, null, backgroundRight, false, false);

        double cx = pixels.Average(p => p.X), cy = pixels.Average(p => p.Y);
        var position = SceneLayout.Nearest(cx + 0.5, cy + 0.5);
        var mean = new Rgb24((byte)pixels.Average(p => image[p.X, p.Y].R), (byte)pixels.Average(p => image[p.X, p.Y].G),
            (byte)pixels.Average(p => image[p.X, p.Y].B));
        var colour = ScenePalette.Colours.Where(c => c != background).MinBy(c => Distance(mean, ScenePalette.Rgb(c)));
        var shape = ReadShape(blob, pixels, cx, cy);
        return new SceneJudgement(target.Shape, background, colour, position, shape, backgroundRight,
            colour == target.Colour && position == target.Position, shape == target.Shape);
    }

    private static SceneColour ReadBackground(Image<Rgb24> image)
    {
        var border = new List<Rgb24>();
        for (int y = 0; y < SceneLayout.Size; y++)
            for (int x = 0; x < SceneLayout.Size; x++)
                if (Math.Min(Math.Min(x, y), SceneLayout.Size - 1 - Math.Max(x, y)) < Border) border.Add(image[x, y]);
        return ScenePalette.Colours.MaxBy(c => border.Count(p => BackgroundDistance(p, c) < BorderMatchDistance));
    }

    private static PixelMask Foreground(Image<Rgb24> image, SceneColour background)
    {
        var others = ScenePalette.Colours.Where(c => c != background).Select(ScenePalette.Rgb).ToList();
        var mask = new PixelMask(SceneLayout.Size);
        for (int y = 0; y < SceneLayout.Size; y++)
            for (int x = 0; x < SceneLayout.Size; x++)
            {
                var p = image[x, y];
                mask[x, y] = others.Min(c => Distance(p, c)) < BackgroundDistance(p, background);
            }
        return mask;
    }

    private static SceneShape ReadShape(PixelMask blob, List<(int X, int Y)> pixels, double cx, double cy)
    {
        int enclosed = blob.EnclosedCount();
        if (enclosed > RingHoleShare * (pixels.Count + enclosed)) return SceneShape.Ring;
        if (pixels.Count < StarHullFill * blob.HullArea()) return SceneShape.Star;
        double farthest = pixels.Max(p => Math.Sqrt((p.X - cx) * (p.X - cx) + (p.Y - cy) * (p.Y - cy))) + 0.5;
        double roundness = pixels.Count / (Math.PI * farthest * farthest);
        return roundness > CircleRoundness ? SceneShape.Circle : roundness > SquareRoundness ? SceneShape.Square : SceneShape.Triangle;
    }

    private static double BackgroundDistance(Rgb24 p, SceneColour background) =>
        Math.Min(Distance(p, ScenePalette.Rgb(background)), Distance(p, ScenePalette.Tint(background)));

    private static double Distance(Rgb24 a, Rgb24 b) =>
        Math.Sqrt((a.R - b.R) * (a.R - b.R) + (a.G - b.G) * (a.G - b.G) + (a.B - b.B) * (a.B - b.B));
}
