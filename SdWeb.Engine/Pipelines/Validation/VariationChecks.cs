using System.Globalization;
using SdWeb.Engine.Schedulers;

namespace SdWeb.Engine.Pipelines.Validation;

/// <summary>The checks of the variation-seed and timestep-spacing fields of a <see cref="GenerationRequest"/>.</summary>
internal static class VariationChecks
{
    public static void Check(GenerationRequest request, bool hasInitImage, Action<string, string> fail)
    {
        if (!(request.SubseedStrength is >= 0 and <= 1))
            fail(nameof(request.SubseedStrength),
                $"Variation seed strength (SubseedStrength) must be between 0 and 1, not {request.SubseedStrength.ToString(CultureInfo.InvariantCulture)}.");
        else if (request.SubseedStrength > 0 && hasInitImage)
            fail(nameof(request.SubseedStrength), "Variation seeds shape txt2img's initial noise; they cannot be combined with an init image.");

        if (request.Subseed is < 0)
            fail(nameof(request.Subseed), $"Variation seed (Subseed) must be 0 or more (or left empty for a random one), not {request.Subseed}.");

        if (request.TimestepSpacing is { } spacing && !TimestepSpacing.Names.Contains(spacing))
            fail(nameof(request.TimestepSpacing),
                $"Unknown timestep spacing '{spacing}'. Valid: {string.Join(", ", TimestepSpacing.Names)} (or none for the model's own).");
    }
}
