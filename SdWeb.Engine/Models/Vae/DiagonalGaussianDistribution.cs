using SdWeb.Engine.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Vae;

/// <summary>
/// diffusers' DiagonalGaussianDistribution: the VAE encoder's latent distribution, from moments split along channels
/// into a mean and a log-variance (clamped to [-30, 20]).
/// </summary>
internal sealed class DiagonalGaussianDistribution : IDisposable
{
    public Tensor Mean { get; }
    public Tensor LogVar { get; }
    public Tensor Std { get; }

    /// <param name="moments">[B, 2·C, h, w]: the mean channels, then the log-variance channels.</param>
    public DiagonalGaussianDistribution(Tensor moments)
    {
        using var scope = NewDisposeScope();
        var halves = moments.chunk(2, dim: 1);
        Mean = halves[0].contiguous();
        LogVar = halves[1].clamp(-30.0, 20.0);
        Std = (LogVar * 0.5).exp();
        scope.MoveToOuter(Mean, LogVar, Std);
    }

    /// <summary>
    /// mean + std·ε with ε drawn from <paramref name="generator"/>, a CPU generator, on the CPU (see <see cref="SeededNoise"/>) and then
    /// moved to the latent's device — as diffusers' randn_tensor does — so a seed gives the same latents on every device.
    /// </summary>
    public Tensor Sample(Generator generator)
    {
        using var scope = NewDisposeScope();
        var noise = SeededNoise.Randn(Mean, generator);
        return (Mean + Std * noise).MoveToOuterDisposeScope();
    }

    /// <summary>The distribution's mode, i.e. its mean (diffusers' <c>mode()</c>).</summary>
    public Tensor Mode() => Mean.alias();

    internal DiagonalGaussianDistribution MoveToOuterDisposeScope()
    {
        Mean.MoveToOuterDisposeScope();
        LogVar.MoveToOuterDisposeScope();
        Std.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        Mean.Dispose();
        LogVar.Dispose();
        Std.Dispose();
    }
}
