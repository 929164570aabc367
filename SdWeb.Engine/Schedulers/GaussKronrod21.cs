namespace SdWeb.Engine.Schedulers;

/// <summary>
/// QUADPACK's 21-point Gauss–Kronrod rule (dqk21) as scipy.integrate.quad applies it on its first pass. For the LMS
/// Lagrange basis (a polynomial of degree ≤ 3) that first pass already meets quad's tolerance, so its Kronrod
/// estimate is quad's answer; summing in QUADPACK's order keeps the result bit-compatible.
/// </summary>
internal static class GaussKronrod21
{
    private static readonly double[] Xgk =
    [
        0.995657163025808080735527280689003, 0.973906528517171720077964012084452,
        0.930157491355708226001207180059508, 0.865063366688984510732096688423493,
        0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
        0.562757134668604683339000099272694, 0.433395394129247190799265943165784,
        0.294392862701460198131126603103866, 0.148874338981631210884826001129720,
        0.000000000000000000000000000000000,
    ];

    private static readonly double[] Wgk =
    [
        0.011694638867371874278064396062192, 0.032558162307964727478818972459390,
        0.054755896574351996031381300244580, 0.075039674810919952767043140916190,
        0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
        0.123491976262065851077208067173191, 0.134709217311473325928054001771707,
        0.142775938577060080797094273138717, 0.147739104901338491374841515972068,
        0.149445554002916905664936468389821,
    ];

    public static double Integrate(Func<double, double> f, double a, double b)
    {
        var center = 0.5 * (a + b);
        var halfLength = 0.5 * (b - a);
        var resk = Wgk[10] * f(center);
        // Gauss nodes (odd Fortran indices 2,4,..,10 → 1,3,..,9 here), then the Kronrod-only ones.
        for (var j = 1; j <= 9; j += 2) resk += Wgk[j] * PairSum(f, center, halfLength * Xgk[j]);
        for (var j = 0; j <= 8; j += 2) resk += Wgk[j] * PairSum(f, center, halfLength * Xgk[j]);
        return resk * halfLength;
    }

    private static double PairSum(Func<double, double> f, double center, double offset) =>
        f(center - offset) + f(center + offset);
}
