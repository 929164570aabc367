using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Clip;

/// <summary>transformers' CLIPMLP: fc1, the configured activation, fc2.</summary>
internal sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Func<Tensor, Tensor> _activation;

    public ClipMlp(ClipTextConfig config, ModelPlacement placement) : base(nameof(ClipMlp))
    {
        fc1 = nn.Linear(config.HiddenSize, config.IntermediateSize, device: placement.Device, dtype: placement.DType);
        fc2 = nn.Linear(config.IntermediateSize, config.HiddenSize, device: placement.Device, dtype: placement.DType);
        _activation = ActivationOf(config.HiddenAct);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates)
    {
        using var scope = NewDisposeScope();
        return fc2.forward(_activation(fc1.forward(hiddenStates))).MoveToOuterDisposeScope();
    }

    /// <summary>The activations SD text encoders use: quick_gelu (OpenAI CLIP, SD v1) and exact gelu (OpenCLIP, SD v2).</summary>
    internal static Func<Tensor, Tensor> ActivationOf(string name) => name switch
    {
        "quick_gelu" => x => x * (x * 1.702).sigmoid(),
        "gelu" => x => nn.functional.gelu(x),
        _ => throw new ArgumentException(
            $"hidden_act \"{name}\" is not supported by the CLIP text encoder; expected \"quick_gelu\" or \"gelu\"."),
    };
}
