using System.Text.Json.Serialization;

namespace SdWeb.Generation.Plots;

/// <summary>What an X/Y/Z plot axis varies; the names AUTOMATIC1111's X/Y/Z plot script shows are in <see cref="XyzAxisKinds"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<XyzAxisKind>))]
public enum XyzAxisKind
{
    Seed,
    Steps,
    CfgScale,
    Sampler,
    Size,
    LoraWeight,

    /// <summary>AUTOMATIC1111's "Prompt S/R": the first value is searched for, each value replaces it.</summary>
    PromptSR,
}
