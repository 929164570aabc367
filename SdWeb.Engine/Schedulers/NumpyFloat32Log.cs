namespace SdWeb.Engine.Schedulers;

/// <summary>
/// np.log on a float32 array as numpy's AVX2/AVX512F kernel computes it (simd_log_FLOAT in
/// loops_exponent_log.dispatch.c.src): mantissa/exponent split, mantissa normalised to [√½, √2), a rational
/// polynomial with FMA. It is up to ~4 ulp from the correctly rounded log, and diffusers' Karras timesteps
/// (_sigma_to_t over np.log of the float32 training sigmas) depend on those ulps.
/// </summary>
internal static class NumpyFloat32Log
{
    private static readonly float Sqrt1Over2 = Bits(0x3F3504F3);
    private static readonly float Ln2 = Bits(0x3F317218);
    private static readonly float[] P = [Bits(0x00000000), Bits(0x3F800000), Bits(0x4007361C), Bits(0x3FBD70A9), Bits(0x3EC30333), Bits(0x3CD42BCD)];
    private static readonly float[] Q = [Bits(0x3F800000), Bits(0x4027361C), Bits(0x401CFE0D), Bits(0x3F7C8AE4), Bits(0x3E1E5BF3), Bits(0x3BC083DF)];

    /// <summary>The kernel's result for positive normal numbers; other inputs (never a sigma) take the libm log.</summary>
    public static float Log(float x)
    {
        if (!float.IsNormal(x) || x < 0) return MathF.Log(x);
        var bits = BitConverter.SingleToInt32Bits(x);
        float exponent = (bits >> 23) - 0x7E;
        var m = BitConverter.Int32BitsToSingle((bits & 0x7FFFFF) | (126 << 23)); // in [0.5, 1)
        if (m <= Sqrt1Over2)
        {
            m += m;
            exponent -= 1;
        }
        m -= 1;
        float num = P[5], den = Q[5];
        for (var i = 4; i >= 0; i--)
        {
            num = MathF.FusedMultiplyAdd(num, m, P[i]);
            den = MathF.FusedMultiplyAdd(den, m, Q[i]);
        }
        return MathF.FusedMultiplyAdd(exponent, Ln2, num / den);
    }

    private static float Bits(int bits) => BitConverter.Int32BitsToSingle(bits);
}
