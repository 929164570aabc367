using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Clip;

/// <summary>transformers' CLIPTextTransformer: embeddings, causal encoder, final LayerNorm, pooling at the end-of-text token.</summary>
internal sealed class ClipTextTransformer : nn.Module
{
    private readonly ClipTextEmbeddings embeddings;
    private readonly ClipEncoder encoder;
    private readonly LayerNorm final_layer_norm;
    private readonly long _eosTokenId;

    public ClipTextTransformer(ClipTextConfig config, ModelPlacement placement) : base(nameof(ClipTextTransformer))
    {
        embeddings = new ClipTextEmbeddings(config, placement);
        encoder = new ClipEncoder(config, placement);
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: placement.Device, dtype: placement.DType);
        _eosTokenId = config.EosTokenId;
        RegisterComponents();
    }

    public ClipTextOutput forward(Tensor inputIds, bool outputHiddenStates, TokenEmbeddingOverride? replaced = null)
    {
        using var scope = NewDisposeScope();
        var hiddenStates = embeddings.forward(inputIds, replaced);
        var collected = outputHiddenStates ? new List<Tensor> { hiddenStates } : null;
        var causalMask = CausalMask(inputIds.shape[^1], hiddenStates.dtype, hiddenStates.device);
        var lastHiddenState = final_layer_norm.forward(encoder.forward(hiddenStates, causalMask, collected));
        var pooled = Pool(lastHiddenState, inputIds);
        return new ClipTextOutput(lastHiddenState.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope(),
            collected?.Select(state => state.MoveToOuterDisposeScope()).ToList());
    }

    public Tensor ApplyFinalLayerNorm(Tensor hiddenStates) => final_layer_norm.forward(hiddenStates);

    /// <summary>
    /// 0 on and below the diagonal, the dtype's most negative finite value above it (transformers' _make_causal_mask;
    /// not -inf). Built per call: one [seq, seq] tensor per encoder pass.
    /// </summary>
    private static Tensor CausalMask(long length, ScalarType dtype, Device device) =>
        full(length, length, finfo(dtype).min, dtype: dtype, device: device).triu(1);

    /// <summary>
    /// The hidden state at each sequence's first end-of-text token. Configs with the legacy eos_token_id 2 (e.g. SD v1.5's)
    /// take the position of the highest id instead, which is the same token for CLIP's vocabulary.
    /// </summary>
    private Tensor Pool(Tensor lastHiddenState, Tensor inputIds)
    {
        var positions = _eosTokenId == 2
            ? inputIds.to(ScalarType.Int32).argmax(-1)
            : inputIds.eq(_eosTokenId).to(ScalarType.Int32).argmax(-1);
        var index = positions.to(lastHiddenState.device).view(-1, 1, 1).expand(-1, 1, lastHiddenState.shape[^1]);
        return lastHiddenState.gather(1, index).squeeze(1);
    }
}
