namespace SdWeb.Engine.Pipelines;

/// <summary>When a request asks for AUTOMATIC1111 variation seeds, and the subseed it gets when it leaves it open.</summary>
internal static class VariationRequests
{
    /// <summary>A strength of 0 is the plain seed's noise, as in A1111 (the subseed is then ignored and not recorded).</summary>
    public static bool Applies(GenerationRequest request) => request.SubseedStrength > 0 && request.Subseed is not null;

    /// <summary>A random subseed (recorded in the result) when a strength is given without one, as A1111's −1 does.</summary>
    public static GenerationRequest WithSubseed(GenerationRequest request) =>
        request.SubseedStrength > 0 && request.Subseed is null
            ? request with { Subseed = Random.Shared.NextInt64(0, 1L << 32) }
            : request;
}
