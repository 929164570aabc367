using SdWeb.Engine.Devices;
using SdWeb.Engine.Models.Layers;
using TorchSharp;

namespace SdWeb.Engine.Pipelines;

/// <summary>
/// The kernels a request asks for (<see cref="GenerationRequest.Kernels"/>: a reproduction asks for the original's),
/// selected in the UNet and the VAE for one run and set back to the model's own on <see cref="Dispose"/>. The models are
/// asked for again then, because a run may rebuild one (the VAE's fp32 upcast, which keeps the selection: <see cref="Copy"/>).
/// </summary>
internal sealed class KernelSelection : IDisposable
{
    private readonly Func<IEnumerable<torch.nn.Module>> _models;
    private readonly ModelPlacement _own;

    private KernelSelection(Func<IEnumerable<torch.nn.Module>> models, ModelPlacement own, ModelPlacement run)
    {
        (_models, _own) = (models, own);
        Select(models(), run);
    }

    /// <summary>Selects <paramref name="run"/>'s kernels; null when they are the model's own (nothing to set back).</summary>
    public static KernelSelection? For(Func<IEnumerable<torch.nn.Module>> models, ModelPlacement own, ModelPlacement run) =>
        run == own ? null : new(models, own, run);

    /// <summary>The placement allowing the kernels <paramref name="asked"/> for (a reproduction's) and no others; null keeps its own.</summary>
    public static ModelPlacement Allowing(ModelPlacement own, KernelChoice? asked) => asked is null ? own
        : own with { LibtorchConvolutions = !asked.Winograd, LibtorchAttention = !asked.Bf16Attention };

    /// <summary>Gives <paramref name="target"/>'s layers the kernels of <paramref name="source"/>'s (same architecture), for a rebuilt model.</summary>
    public static void Copy(torch.nn.Module source, torch.nn.Module target)
    {
        foreach (var (from, to) in LayersOf(source).Zip(LayersOf(target))) to.SelectKernels(from.KernelsSelectedBy);
    }

    public void Dispose() => Select(_models(), _own);

    private static void Select(IEnumerable<torch.nn.Module> models, ModelPlacement placement)
    {
        foreach (var layer in models.SelectMany(LayersOf)) layer.SelectKernels(placement);
    }

    private static IEnumerable<IKernelSelectable> LayersOf(torch.nn.Module model) => model.modules().OfType<IKernelSelectable>();
}
