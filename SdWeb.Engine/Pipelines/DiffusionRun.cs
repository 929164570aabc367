using TorchSharp;

namespace SdWeb.Engine.Pipelines;

/// <summary>
/// The tensors of one finished generation, as diffusers names them (for tests and tools that compare with diffusers).
/// <see cref="Images"/> is output_type="np": [N, H, W, 3] float32 on the CPU.
/// </summary>
internal sealed record DiffusionRun(
    torch.Tensor PromptEmbeds,
    torch.Tensor? InitialNoise,
    torch.Tensor Timesteps,
    torch.Tensor LatentsFinal,
    torch.Tensor DecodedRaw,
    torch.Tensor Images) : IDisposable
{
    /// <summary>Which of SdWeb's own kernels the run called (<see cref="Kernels.KernelUse"/>).</summary>
    public KernelChoice KernelsRan { get; init; } = KernelChoice.Libtorch;

    public void Dispose()
    {
        PromptEmbeds.Dispose();
        InitialNoise?.Dispose();
        Timesteps.Dispose();
        LatentsFinal.Dispose();
        DecodedRaw.Dispose();
        Images.Dispose();
    }
}
