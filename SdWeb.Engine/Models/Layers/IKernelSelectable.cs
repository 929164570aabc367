using SdWeb.Engine.Devices;

namespace SdWeb.Engine.Models.Layers;

/// <summary>
/// A layer that runs one of SdWeb's own kernels where the placement allows it (<see cref="ModelPlacement.LibtorchConvolutions"/>,
/// <see cref="ModelPlacement.LibtorchAttention"/>). Its constructor selects from its placement; a run may select
/// again for one generation (<see cref="Pipelines.KernelSelection"/>), as a reproduction asks for the original's kernels.
/// </summary>
internal interface IKernelSelectable
{
    /// <summary>The placement whose kernel flags the layer follows now.</summary>
    ModelPlacement KernelsSelectedBy { get; }

    void SelectKernels(ModelPlacement placement);
}
