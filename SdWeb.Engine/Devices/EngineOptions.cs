namespace SdWeb.Engine.Devices;

/// <summary>Where the engine runs: "auto" picks CUDA + fp16 when a GPU is present, else CPU + fp32.</summary>
public sealed record EngineOptions
{
    /// <summary>auto | cpu | cuda | cuda:N</summary>
    public string Device { get; init; } = "auto";

    /// <summary>auto | fp32 | bf16 | fp16</summary>
    public string DType { get; init; } = "auto";

    /// <summary>Intra-op threads for the CPU (0 = libtorch's default).</summary>
    public int Threads { get; init; }
}
