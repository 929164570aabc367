namespace SdWeb.Engine.Schedulers;

/// <summary>
/// torch.linspace(start, end, steps, dtype=float32) on the CPU as torch 1.13 computes it (the goldens' version):
/// the first half counts up from start, the second half down from end (each a fused multiply-add), and the AVX2 body
/// builds each 8-lane chunk as base + k·step from the chunk's first value. Later libtorch versions round differently,
/// so the betas are built here rather than with TorchSharp's linspace (verified bit-exact against the golden betas).
/// </summary>
internal static class TorchLinspace
{
    private const int Lanes = 8;

    public static float[] Float32(double startValue, double endValue, int steps)
    {
        var result = new float[steps];
        var start = (float)startValue;
        var end = (float)endValue;
        if (steps == 1) { result[0] = start; return result; }
        var step = (end - start) / (steps - 1);
        var halfway = steps / 2;
        var vectorised = steps / (2 * Lanes) * (2 * Lanes);
        for (var idx = 0; idx < vectorised; idx += Lanes)
        {
            var chunkBase = Value(start, end, step, halfway, steps, idx);
            for (var k = 0; k < Lanes; k++)
                result[idx + k] = k == 0 ? chunkBase : chunkBase + k * step;
        }
        for (var idx = vectorised; idx < steps; idx++)
            result[idx] = Value(start, end, step, halfway, steps, idx);
        return result;
    }

    private static float Value(float start, float end, float step, int halfway, int steps, int idx) =>
        idx < halfway
            ? MathF.FusedMultiplyAdd(step, idx, start)
            : MathF.FusedMultiplyAdd(-step, steps - idx - 1, end);
}
