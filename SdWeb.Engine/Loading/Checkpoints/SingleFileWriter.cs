using SdWeb.Engine.Loading.SafeTensors;
using TorchSharp;

namespace SdWeb.Engine.Loading.Checkpoints;

/// <summary>
/// Writes a model as one original-format (CompVis/LDM, as AUTOMATIC1111 reads it) SD v1 .safetensors checkpoint, in the
/// given dtype, plus the LDM .yaml beside it that carries what shapes cannot (heads, scale factor, noise schedule). The
/// names come from the inverse of the loader's key mapping (<see cref="LdmUNetKeys"/>, <see cref="VaeKeys"/>), and
/// every name is checked to map back, so what this writes is exactly what <see cref="SingleFileCheckpoint"/> reads.
/// A tokenizer other than the standard CLIP one travels in the file's metadata, since such files have no other place for it.
/// </summary>
internal static class SingleFileWriter
{
    public static void Write(ModelSource source, string path, torch.ScalarType dtype, IReadOnlyDictionary<string, string> metadata)
    {
        var planned = new List<(SafeTensorEntry Entry, IWeightSource From, string Name)>();
        void Add(IWeightSource from, string name, string fileKey, long[] shape) =>
            planned.Add((new SafeTensorEntry(fileKey, dtype, shape), from, name));

        var unet = source.UNet;
        int layers = unet.Config.LayersPerBlock;
        bool UpHasAttention(int level) => unet.Config.UpBlockTypes[level].StartsWith("CrossAttn", StringComparison.Ordinal);
        foreach (var name in unet.Weights.Names)
        {
            var ldm = LdmUNetKeys.ToLdm(name, layers, UpHasAttention);
            if (ldm is null || LdmUNetKeys.ToDiffusers(ldm, layers) != name) throw Unmappable(source, name);
            Add(unet.Weights, name, CheckpointViews.UNetPrefix + ldm, unet.Weights.ShapeOf(name));
        }

        var vae = source.Vae;
        int decoderLevels = vae.Config.BlockOutChannels.Count;
        foreach (var name in vae.Weights.Names)
        {
            var shape = vae.Weights.ShapeOf(name);
            if (VaeKeys.ToLdm(name, decoderLevels) is not { } renamed) throw Unmappable(source, name);
            var (ldm, linearToConv) = renamed;
            long[] stored = linearToConv ? [.. shape, 1, 1] : shape;
            if (VaeKeys.ToDiffusers(ldm, decoderLevels, isConv1x1: stored is [_, _, 1, 1]) is not { } back || back.Name != name)
                throw Unmappable(source, name);
            Add(vae.Weights, name, CheckpointViews.VaePrefix + ldm, stored);
        }

        var clip = source.TextEncoder.Weights;
        foreach (var name in clip.Names)
            Add(clip, name, CheckpointViews.TextEncoderPrefix + name, clip.ShapeOf(name));

        var byKey = planned.ToDictionary(p => p.Entry.Name, StringComparer.Ordinal);
        SafeTensorsFile.Write(path, planned.Select(p => p.Entry).ToList(), key =>
        {
            var (entry, from, name) = byKey[key];
            using var read = from.Read(name, dtype, torch.CPU);
            return read.reshape(entry.Shape);
        }, ownsTensors: true, WithTokenizer(metadata, source.Tokenizer));
        LdmConfigWriter.Write(Path.ChangeExtension(path, ".yaml"), source);
    }

    private static IReadOnlyDictionary<string, string> WithTokenizer(IReadOnlyDictionary<string, string> metadata, TokenizerFiles tokenizer)
    {
        var (vocab, merges) = (ReadAll(tokenizer.OpenVocab), ReadAll(tokenizer.OpenMerges));
        var standard = TokenizerFiles.StandardClip;
        if (vocab == ReadAll(standard.OpenVocab) && merges == ReadAll(standard.OpenMerges)) return metadata;
        return new Dictionary<string, string>(metadata)
        {
            [TokenizerFiles.VocabMetadataKey] = vocab,
            [TokenizerFiles.MergesMetadataKey] = merges,
        };
    }

    private static string ReadAll(Func<Stream> open)
    {
        using var reader = new StreamReader(open());
        return reader.ReadToEnd();
    }

    private static ModelLoadException Unmappable(ModelSource source, string name) =>
        new($"{source.Path}: '{name}' has no place in an original-format SD v1 checkpoint; the model cannot be written as one file.");
}
