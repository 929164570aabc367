using SdWeb.Engine.Loading.RandomModels;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Tests.Support;

/// <summary>
/// Random test inputs and weights that are the same on every run. libtorch's global generator is not the test's own:
/// every test running in parallel draws from it, and so does every module constructor's default initialisation, so
/// <c>manual_seed</c> followed by <c>randn</c> gives values that depend on what else ran meanwhile. A bound checked on such
/// values holds or fails by the schedule (an SD 1.5 VAE's bf16 decode error ranges over 0.68–1.04e-2 across random weights).
/// </summary>
internal sealed class SeededRandom(ulong seed) : IDisposable
{
    private readonly Generator _generator = new(seed);

    public Tensor Randn(params long[] shape) => randn(shape, generator: _generator);

    public Tensor Rand(params long[] shape) => rand(shape, generator: _generator);

    /// <summary>
    /// Draws <paramref name="module"/>'s weights again as libtorch's default initialisation draws them, from this
    /// generator: each matrix or kernel and its bias uniform in ±1/√fan-in (kaiming-uniform with a = √5), where fan-in is
    /// a kernel's inputs times its size. Vectors without such a weight (norm scales and shifts) keep their values.
    /// </summary>
    public T Initialise<T>(T module) where T : nn.Module
    {
        using var noGrad = no_grad();
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        foreach (var (name, parameter) in parameters)
        {
            var weight = name.EndsWith(".bias", StringComparison.Ordinal) || name == "bias"
                ? parameters.GetValueOrDefault(name[..^"bias".Length] + "weight")
                : parameter;
            if (weight is null || weight.dim() < 2) continue;
            using var scope = NewDisposeScope();
            var bound = 1 / Math.Sqrt(weight.shape.Skip(1).Aggregate(1L, (fanIn, size) => fanIn * size));
            parameter.copy_(Rand(parameter.shape) * (2 * bound) - bound);
        }
        return module;
    }

    /// <summary>Draws <paramref name="module"/>'s weights again as <c>models create-random</c> draws them (<see cref="RandomModelWriter"/>).</summary>
    public T DrawAsRandomModel<T>(T module) where T : nn.Module
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            using var weight = RandomModelWriter.RandomWeight(name, parameter.shape, _generator);
            parameter.copy_(weight);
        }
        return module;
    }

    /// <summary>The generator itself, for draws the helpers above do not cover.</summary>
    public Generator Generator => _generator;

    public void Dispose() => _generator.Dispose();
}
