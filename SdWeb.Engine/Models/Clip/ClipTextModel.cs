using SdWeb.Engine.Devices;
using SdWeb.Engine.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Clip;

/// <summary>
/// transformers' CLIPTextModel, built directly on its <see cref="ModelPlacement"/>. Parameter names are the safetensors keys
/// of a diffusers text_encoder (<c>text_model.encoder.layers.0.self_attn.q_proj.weight</c>, …).
/// <see cref="nn.Module{T,TResult}.forward"/> returns the last hidden state that Stable Diffusion conditions on.
/// </summary>
internal sealed class ClipTextModel : nn.Module<Tensor, Tensor>
{
    private readonly ClipTextTransformer text_model;

    public ClipTextConfig Config { get; }
    public ModelPlacement Placement { get; }

    public ClipTextModel(ClipTextConfig config, ModelPlacement placement) : base(nameof(ClipTextModel))
    {
        config.Validate();
        Config = config;
        Placement = placement;
        text_model = new ClipTextTransformer(config, placement);
        RegisterComponents();
        eval();
    }

    /// <param name="inputIds">[batch, seq] int64 token ids (seq ≤ max_position_embeddings), on the model's device.</param>
    public override Tensor forward(Tensor inputIds)
    {
        var output = Run(inputIds, outputHiddenStates: false);
        output.PoolerOutput.Dispose();
        return output.LastHiddenState;
    }

    /// <summary>All outputs; with <paramref name="outputHiddenStates"/> also the embeddings and every layer's output (for clip skip).</summary>
    /// <param name="editTokenEmbeddings">Optionally replaces token embeddings [batch, seq, hidden] before the positions are added
    /// (A1111's textual-inversion fixes).</param>
    public ClipTextOutput Run(Tensor inputIds, bool outputHiddenStates, Func<Tensor, Tensor>? editTokenEmbeddings = null)
    {
        using var _ = no_grad();
        return text_model.forward(inputIds, outputHiddenStates, editTokenEmbeddings);
    }

    /// <summary><see cref="forward"/> with autograd recording, for training.</summary>
    public Tensor ForwardRecordingGradients(Tensor inputIds)
    {
        var output = text_model.forward(inputIds, outputHiddenStates: false);
        output.PoolerOutput.Dispose();
        return output.LastHiddenState;
    }

    /// <summary>The final LayerNorm alone: clip skip applies it to an earlier layer's hidden state, as diffusers does.</summary>
    public Tensor ApplyFinalLayerNorm(Tensor hiddenStates)
    {
        using var _ = no_grad();
        return text_model.ApplyFinalLayerNorm(hiddenStates);
    }

    /// <summary>Copies weights by name. A stored <c>position_ids</c> buffer is ignored, as transformers 4.35 ignores it.</summary>
    public void LoadWeights(IWeightSource source) =>
        ModuleWeightLoader.Load(this, source, ignoredSourceNames: IsIgnoredWeight);

    public static bool IsIgnoredWeight(string name) => name == "text_model.embeddings.position_ids";
}
