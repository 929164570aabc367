using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// exp as torch 1.13's CPU kernel computes it for float32 (SLEEF's expf_u10 with FMA), which is within 1 ulp but
/// not always correctly rounded; recent libtorch rounds differently, so DPM-Solver's e^-h is evaluated here.
/// </summary>
internal static class SleefExp
{
    private const float Log2E = 1.442695040888963407359924681001892137426645954152985934135449406931f;
    private const float Ln2Upper = 0.693145751953125f;
    private const float Ln2Lower = 1.428606765330187045e-06f;

    public static float Exp(float d)
    {
        if (d < -104) return 0f;
        if (d > 100) return float.PositiveInfinity;
        var q = (int)MathF.Round(d * Log2E, MidpointRounding.ToEven);
        var s = MathF.FusedMultiplyAdd(q, -Ln2Upper, d);
        s = MathF.FusedMultiplyAdd(q, -Ln2Lower, s);
        var u = 0.000198527617612853646278381f;
        u = MathF.FusedMultiplyAdd(u, s, 0.00139304355252534151077271f);
        u = MathF.FusedMultiplyAdd(u, s, 0.00833336077630519866943359f);
        u = MathF.FusedMultiplyAdd(u, s, 0.0416664853692054748535156f);
        u = MathF.FusedMultiplyAdd(u, s, 0.166666671633720397949219f);
        u = MathF.FusedMultiplyAdd(u, s, 0.5f);
        u = 1f + MathF.FusedMultiplyAdd(s * s, u, s);
        return u * MathF.Pow(2, q >> 1) * MathF.Pow(2, q - (q >> 1));
    }

    /// <summary>exp of a 0-d CPU float32 tensor.</summary>
    public static Tensor Exp(Tensor scalar) => tensor(Exp(scalar.item<float>()));
}
