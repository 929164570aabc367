using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Prompts;
using TorchSharp;

namespace SdWeb.Engine.Networks;

/// <summary>
/// Reads a textual-inversion embedding from <c>.safetensors</c> as AUTOMATIC1111 does: the trigger word is the file
/// name; the vectors are A1111's <c>emb_params</c> / <c>string_to_param.*</c>, a diffusers <c>{"&lt;token&gt;": tensor}</c>,
/// or any single-tensor file as it is (a single vector becomes [1, hidden]).
/// </summary>
internal static class TextualInversionFile
{
    /// <param name="hiddenSize">The text encoder's width; the vectors must have it.</param>
    public static TextualInversionEmbedding Read(string path, int hiddenSize)
    {
        if (PickleRefusal.HasPickleExtension(path)) throw RefusePickle(path);
        using var file = SafeTensorsFile.Open(path);
        var keys = file.Tensors.Keys.Order(StringComparer.Ordinal).ToList();
        if (keys.Contains("clip_l") || keys.Contains("clip_g"))
            throw new ModelLoadException($"{path}: an SDXL embedding (clip_l/clip_g); it does not fit a Stable Diffusion v1 text encoder.");
        var candidates = keys.Count == 1 ? keys : keys.Where(k => k.StartsWith("string_to_param.", StringComparison.Ordinal)).ToList();
        if (candidates.Count != 1)
            throw new ModelLoadException(
                $"{path}: not a textual-inversion embedding: expected one tensor (emb_params, string_to_param.*, or a diffusers token), " +
                $"found {keys.Count}: {string.Join(", ", keys.Take(5))}{(keys.Count > 5 ? ", …" : "")}.");

        var vectors = file.Read(candidates[0], torch.ScalarType.Float32);
        if (vectors.dim() == 1)
        {
            var single = vectors;
            vectors = single.unsqueeze(0);
            single.Dispose();
        }
        if (vectors.dim() != 2 || vectors.shape[0] == 0 || vectors.shape[1] != hiddenSize)
        {
            var shape = string.Join(",", vectors.shape);
            vectors.Dispose();
            throw new ModelLoadException(
                $"{path}: the embedding's vectors are [{shape}], but this model's text encoder takes vectors of width {hiddenSize}: " +
                "it was made for another model (768 = SD 1.x, 1024 = SD 2.x).");
        }
        var name = Path.GetFileNameWithoutExtension(path);
        return new TextualInversionEmbedding(name, vectors, NetworkHashes.Short(NetworkHashes.WholeFile(path)));
    }

    /// <summary>Reads every file, or none: on an error the ones already read are disposed.</summary>
    public static List<TextualInversionEmbedding> ReadAll(IReadOnlyList<string> paths, int hiddenSize)
    {
        var embeddings = new List<TextualInversionEmbedding>();
        try
        {
            foreach (var path in paths) embeddings.Add(Read(path, hiddenSize));
            return embeddings;
        }
        catch
        {
            foreach (var embedding in embeddings) embedding.Vectors.Dispose();
            throw;
        }
    }

    private static ModelLoadException RefusePickle(string path) => new(
        $"{path}: a PyTorch pickle embedding, which SdWeb never loads: unpickling a file can run arbitrary code hidden in it. " +
        "Use the embedding's .safetensors version, or convert it in Python: an AUTOMATIC1111 .pt with " +
        "`python -c \"import torch, safetensors.torch as st; d = torch.load('name.pt', map_location='cpu', weights_only=True); " +
        "st.save_file({'emb_params': next(iter(d['string_to_param'].values())).contiguous()}, 'name.safetensors')\"`, a diffusers " +
        "learned_embeds.bin with `... d = torch.load('learned_embeds.bin', weights_only=True); " +
        "st.save_file({k: v.contiguous() for k, v in d.items()}, 'name.safetensors')`. The file name becomes the trigger word.");
}
