namespace SdWeb.Generation;

/// <summary>Seeds the app picks for the user: A1111 seeds are 32-bit, so a random one can be typed back in anywhere.</summary>
public static class RandomSeed
{
    /// <summary>Random seeds lie in [0, Range).</summary>
    public const long Range = 1L << 32;

    public static long Next() => Random.Shared.NextInt64(Range);
}
