using static TorchSharp.torch;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// The float32 functions whose rounding differs between torch 1.13 (the goldens) and the libtorch TorchSharp ships:
/// sqrt (correctly rounded in 1.13, off by an ulp at times in recent libtorch) and exp (SLEEF's expf_u10 with FMA in
/// 1.13, within 1 ulp but not always correctly rounded). The samplers apply them to their small schedule tensors.
/// </summary>
internal static class Float32Math
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

    /// <summary>Elementwise exp of a small tensor, as torch 1.13 computes it.</summary>
    public static Tensor Exp(Tensor t) => Map(t, Exp);

    /// <summary>Elementwise correctly rounded sqrt of a small tensor.</summary>
    public static Tensor Sqrt(Tensor t) => Map(t, MathF.Sqrt);

    private static Tensor Map(Tensor t, Func<float, float> f)
    {
        using var host = t.to(ScalarType.Float32, CPU).contiguous();
        var values = host.data<float>().ToArray();
        for (var i = 0; i < values.Length; i++) values[i] = f(values[i]);
        using var result = tensor(values, t.shape, ScalarType.Float32);
        return result.to(t.dtype, t.device);
    }
}
