using SdWeb.Engine.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>diffusers' <c>get_activation</c>: the activation named by a config's <c>act_fn</c>.</summary>
public static class Activations
{
    public static nn.Module<Tensor, Tensor> Create(string name) => name switch
    {
        "silu" or "swish" => nn.SiLU(),
        "mish" => nn.Mish(),
        "gelu" => nn.GELU(),
        "relu" => nn.ReLU(),
        _ => throw new ModelLoadException(
            $"Unsupported activation act_fn \"{name}\" in the model config: expected silu, swish, mish, gelu or relu."),
    };
}
