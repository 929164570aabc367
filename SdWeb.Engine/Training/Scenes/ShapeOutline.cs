namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// Whether a point lies inside a drawn object: discs and rings by distance, the rest as polygons. Points outside the
/// object's bounding box are answered without the exact test; the box has a margin far above rounding, so every answer
/// is the exact test's, and a seed's scenes keep their bytes.
/// </summary>
internal sealed class ShapeOutline
{
    private const double RingHole = 0.55, SquareHalfSide = 0.8, TriangleCircumradius = 1.1, StarOuter = 1.15, StarInner = 0.45;
    private const double BoundsMargin = 1e-6;

    private readonly SceneObject _object;
    private readonly double _centreX, _centreY;
    private readonly (double X, double Y)[] _polygon;
    private readonly double _minX, _maxX, _minY, _maxY;

    public ShapeOutline(SceneObject o)
    {
        _object = o;
        var (x, y) = SceneLayout.Anchor(o.Position);
        (_centreX, _centreY) = (x + o.OffsetX, y + o.OffsetY);
        var r = o.Radius;
        _polygon = o.Shape switch
        {
            SceneShape.Square => Regular(4, r * SquareHalfSide * Math.Sqrt(2), r * SquareHalfSide * Math.Sqrt(2), Math.PI / 4),
            SceneShape.Triangle => Regular(3, r * TriangleCircumradius, r * TriangleCircumradius, -Math.PI / 2),
            SceneShape.Star => Regular(10, r * StarOuter, r * StarOuter * StarInner, -Math.PI / 2),
            _ => [],
        };
        // Relative to the centre, as Contains tests; a polygon's ray crossings are even outside its vertices' box.
        var (left, right, up, down) = _polygon.Length == 0
            ? (-r, r, -r, r)
            : (_polygon.Min(p => p.X), _polygon.Max(p => p.X), _polygon.Min(p => p.Y), _polygon.Max(p => p.Y));
        (_minX, _maxX) = (left - BoundsMargin, right + BoundsMargin);
        (_minY, _maxY) = (up - BoundsMargin, down + BoundsMargin);
    }

    public bool Contains(double x, double y)
    {
        double dx = x - _centreX, dy = y - _centreY;
        if (dx < _minX || dx > _maxX || dy < _minY || dy > _maxY) return false;
        double distance = Math.Sqrt(dx * dx + dy * dy), r = _object.Radius;
        return _object.Shape switch
        {
            SceneShape.Circle => distance <= r,
            SceneShape.Ring => distance <= r && distance >= r * RingHole,
            _ => InPolygon(dx, dy),
        };
    }

    /// <summary>A regular polygon (or, with two radii, a star) around the origin, turned by the object's turn.</summary>
    private (double X, double Y)[] Regular(int vertices, double outer, double inner, double start) =>
        [.. Enumerable.Range(0, vertices).Select(i =>
        {
            double angle = start + _object.Turn + 2 * Math.PI * i / vertices, radius = i % 2 == 0 ? outer : inner;
            return (radius * Math.Cos(angle), radius * Math.Sin(angle));
        })];

    /// <summary>Even-odd ray crossing.</summary>
    private bool InPolygon(double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = _polygon.Length - 1; i < _polygon.Length; j = i++)
        {
            var (a, b) = (_polygon[i], _polygon[j]);
            if ((a.Y > y) != (b.Y > y) && x < (b.X - a.X) * (y - a.Y) / (b.Y - a.Y) + a.X) inside = !inside;
        }
        return inside;
    }
}
