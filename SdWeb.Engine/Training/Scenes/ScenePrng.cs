namespace SdWeb.Engine.Training.Scenes;

/// <summary>
/// SplitMix64: a tiny, fully specified generator, so a seed gives the same scenes on every runtime (System.Random's
/// algorithm is not part of its contract). Its whole state is one number, which checkpoints store.
/// </summary>
internal sealed class ScenePrng(ulong state)
{
    public ulong State { get; set; } = state;

    public ulong NextULong()
    {
        State += 0x9E3779B97F4A7C15UL;
        var z = State;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="count"/>); the multiply-high mapping's bias is below 2^-32 for small counts.</summary>
    public int NextInt(int count) => (int)(((UInt128)NextULong() * (ulong)count) >> 64);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));
}
