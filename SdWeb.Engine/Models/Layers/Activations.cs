using SdWeb.Engine.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Layers;

/// <summary>diffusers' <c>get_activation</c>: the activation named by a config's <c>act_fn</c>.</summary>
internal static class Activations
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

    /// <summary>
    /// Applies <paramref name="activation"/> (one <see cref="Create"/> made) overwriting <paramref name="input"/>, which
    /// must be the caller's own tensor; answers the result. Saves a feature map's worth of memory at the peak. While
    /// autograd records (training) it computes out of place: the activation's backward needs the input it would overwrite.
    /// </summary>
    public static Tensor ApplyInPlace(nn.Module<Tensor, Tensor> activation, Tensor input) => activation switch
    {
        _ when is_grad_enabled() => activation.forward(input),
        TorchSharp.Modules.SiLU => input.silu_(),
        TorchSharp.Modules.ReLU => input.relu_(),
        _ => activation.forward(input),
    };
}
