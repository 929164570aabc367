using SdWeb.Engine.Devices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SdWeb.Engine.Models.Clip;

/// <summary>transformers' CLIPTextEmbeddings: token embedding plus learned absolute position embedding.</summary>
internal sealed class ClipTextEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;

    public ClipTextEmbeddings(ClipTextConfig config, ModelPlacement placement) : base(nameof(ClipTextEmbeddings))
    {
        token_embedding = nn.Embedding(config.VocabSize, config.HiddenSize, device: placement.Device, dtype: placement.DType);
        position_embedding = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    public override Tensor forward(Tensor inputIds) => forward(inputIds, null);

    public Tensor forward(Tensor inputIds, TokenEmbeddingOverride? replaced)
    {
        long length = inputIds.shape[^1];
        if (length > position_embedding.weight!.shape[0])
            throw new ArgumentException(
                $"The text encoder takes at most {position_embedding.weight.shape[0]} tokens per sequence, not {length}; " +
                "tokenize with truncation to the model's maximum length.");
        // Positions 0..length-1 are the first rows of the table: the same values transformers gathers with its position_ids
        // buffer, which is why that buffer is neither kept nor loaded.
        using var positions = position_embedding.weight.narrow(0, 0, length);
        using var tokens = token_embedding.forward(inputIds);
        if (replaced is null) return tokens + positions;
        using var mask = replaced.Mask.unsqueeze(-1).to(tokens.device);
        using var vectors = replaced.Vectors.to(tokens.dtype, tokens.device);
        using var withVectors = where(mask, vectors, tokens);
        return withVectors + positions;
    }
}
