namespace SdWeb.Engine.Training.Evaluation;

/// <summary>A 64×64 set of pixels and the measurements the shape reading needs: components, holes, convex hull.</summary>
internal sealed class PixelMask(int size)
{
    private readonly bool[] _on = new bool[size * size];

    public int Size { get; } = size;

    public bool this[int x, int y]
    {
        get => x >= 0 && y >= 0 && x < Size && y < Size && _on[y * Size + x];
        set => _on[y * Size + x] = value;
    }

    public IEnumerable<(int X, int Y)> Pixels()
    {
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                if (_on[y * Size + x]) yield return (x, y);
    }

    /// <summary>The largest 4-connected component.</summary>
    public PixelMask LargestComponent()
    {
        var seen = new PixelMask(Size);
        var best = new PixelMask(Size);
        int bestCount = 0;
        foreach (var (x, y) in Pixels())
        {
            if (seen[x, y]) continue;
            var component = Flood(x, y, (cx, cy) => this[cx, cy], seen);
            if (component.Count <= bestCount) continue;
            (best, bestCount) = (new PixelMask(Size), component.Count);
            foreach (var (px, py) in component) best[px, py] = true;
        }
        return best;
    }

    /// <summary>Pixels outside the mask that the picture's border cannot reach without crossing it: a ring's hole.</summary>
    public int EnclosedCount()
    {
        var reached = new PixelMask(Size);
        for (int i = 0; i < Size; i++)
            foreach (var (x, y) in new[] { (i, 0), (i, Size - 1), (0, i), (Size - 1, i) })
                if (!this[x, y] && !reached[x, y]) Flood(x, y, (cx, cy) => !this[cx, cy], reached);
        return Size * Size - Pixels().Count() - reached.Pixels().Count();
    }

    /// <summary>The area of the convex hull of the pixel centres (Andrew's monotone chain, shoelace formula).</summary>
    public double HullArea()
    {
        var points = Pixels().Select(p => (X: (double)p.X, Y: (double)p.Y)).Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (points.Count < 3) return 0;
        static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) =>
            (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
        var hull = new List<(double X, double Y)>();
        foreach (var pass in new[] { points, Enumerable.Reverse(points).ToList() })
        {
            int start = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], p) <= 0) hull.RemoveAt(hull.Count - 1);
                hull.Add(p);
            }
            hull.RemoveAt(hull.Count - 1);
        }
        double twice = 0;
        for (int i = 0; i < hull.Count; i++)
        {
            var (a, b) = (hull[i], hull[(i + 1) % hull.Count]);
            twice += a.X * b.Y - b.X * a.Y;
        }
        return Math.Abs(twice) / 2;
    }

    private List<(int X, int Y)> Flood(int x, int y, Func<int, int, bool> belongs, PixelMask seen)
    {
        var found = new List<(int X, int Y)>();
        var stack = new Stack<(int X, int Y)>([(x, y)]);
        seen[x, y] = true;
        while (stack.TryPop(out var p))
        {
            found.Add(p);
            foreach (var (nx, ny) in new[] { (p.X + 1, p.Y), (p.X - 1, p.Y), (p.X, p.Y + 1), (p.X, p.Y - 1) })
            {
                if (nx < 0 || ny < 0 || nx >= Size || ny >= Size || seen[nx, ny] || !belongs(nx, ny)) continue;
                seen[nx, ny] = true;
                stack.Push((nx, ny));
            }
        }
        return found;
    }
}
