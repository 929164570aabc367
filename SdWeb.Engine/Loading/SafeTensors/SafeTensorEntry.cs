using TorchSharp;

namespace SdWeb.Engine.Loading.SafeTensors;

/// <summary>A tensor to be written: its name, element type and shape, announced in the header before any data.</summary>
internal sealed record SafeTensorEntry(string Name, torch.ScalarType DType, long[] Shape);
