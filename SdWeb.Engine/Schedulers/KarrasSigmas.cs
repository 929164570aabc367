namespace SdWeb.Engine.Schedulers;

/// <summary>
/// Karras et al. (2022) noise levels and the inverse map from a sigma back to a (fractional) training timestep,
/// as diffusers' _convert_to_karras and _sigma_to_t compute them with numpy 1.x.
/// </summary>
internal static class KarrasSigmas
{
    private const double Rho = 7.0;

    public static double[] Between(double sigmaMin, double sigmaMax, int count)
    {
        var minInvRho = Math.Pow(sigmaMin, 1 / Rho);
        var maxInvRho = Math.Pow(sigmaMax, 1 / Rho);
        return NumpyCompat.Linspace(0, 1, count)
            .Select(ramp => Math.Pow(maxInvRho + ramp * (minInvRho - maxInvRho), Rho))
            .ToArray();
    }

    /// <summary>
    /// The timestep whose log-sigma interpolates to <paramref name="sigma"/>. <paramref name="logSigmas"/> is the float32
    /// log of the training sigmas; numpy compares the float64 log-sigma against them in float32 (value-based casting),
    /// and since low/high are 1-element float32 arrays, the weight is float32 too; only the final blend with the int64
    /// indices is float64.
    /// </summary>
    public static double SigmaToT(double sigma, float[] logSigmas)
    {
        var logSigma = Math.Log(Math.Max(sigma, 1e-10));
        var logSigma32 = (float)logSigma;
        var lowIdx = 0;
        for (var i = 0; i < logSigmas.Length; i++)
            if (logSigma32 - logSigmas[i] >= 0) lowIdx = i;
        lowIdx = Math.Min(lowIdx, logSigmas.Length - 2);
        var highIdx = lowIdx + 1;
        float low = logSigmas[lowIdx], high = logSigmas[highIdx];
        var w = Math.Clamp((low - logSigma32) / (low - high), 0f, 1f);
        return (double)(1 - w) * lowIdx + (double)w * highIdx;
    }

    /// <summary>np.log of the float32 training sigmas (numpy's SIMD float32 log, not the correctly rounded one).</summary>
    public static float[] LogOf(float[] sigmas) => sigmas.Select(NumpyFloat32Log.Log).ToArray();
}
