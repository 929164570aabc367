using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace SdWeb.Engine.Training.Evaluation;

/// <summary>Pictures side by side, <see cref="Columns"/> to a row, on a grey ground: the docs' sample grids.</summary>
internal static class SampleGrid
{
    public const int Columns = 8;
    private const int Gap = 2;

    public static Image<Rgb24> Of(IReadOnlyList<Image<Rgb24>> pictures)
    {
        int cell = pictures[0].Width + Gap, rows = (pictures.Count + Columns - 1) / Columns;
        var grid = new Image<Rgb24>(Math.Min(pictures.Count, Columns) * cell + Gap, rows * (pictures[0].Height + Gap) + Gap, new Rgb24(128, 128, 128));
        for (int i = 0; i < pictures.Count; i++)
        {
            var at = new Point(Gap + i % Columns * cell, Gap + i / Columns * (pictures[0].Height + Gap));
            grid.Mutate(c => c.DrawImage(pictures[i], at, 1f));
        }
        return grid;
    }
}
