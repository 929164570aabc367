using TorchSharp;

namespace SdWeb.Engine.Loading;

/// <summary>
/// Named weights as a model expects them (diffusers/transformers parameter names), wherever they are stored:
/// one safetensors file of a diffusers folder, or a renamed view over an original-format checkpoint.
/// </summary>
internal interface IWeightSource : IDisposable
{
    /// <summary>Where the weights come from, for error messages (a file path).</summary>
    string Description { get; }

    IReadOnlyCollection<string> Names { get; }

    /// <summary>The shape a weight is served in (after any reshaping the source applies, e.g. a 1×1 conv served as a Linear).</summary>
    long[] ShapeOf(string name);

    /// <summary>The stored element type of a weight.</summary>
    torch.ScalarType DTypeOf(string name);

    /// <summary>Reads one weight, converted to the given dtype and device.</summary>
    torch.Tensor Read(string name, torch.ScalarType dtype, torch.Device device);
}
