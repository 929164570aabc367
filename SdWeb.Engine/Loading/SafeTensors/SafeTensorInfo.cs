using TorchSharp;

namespace SdWeb.Engine.Loading.SafeTensors;

/// <summary>One entry of a safetensors header: where a tensor's bytes lie in the data area and how to read them.</summary>
internal sealed record SafeTensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));

    public torch.ScalarType ScalarType => SafeTensorDTypes.ToScalarType(DType);
}
