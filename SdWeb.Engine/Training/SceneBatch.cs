using SdWeb.Engine.Imaging;
using SdWeb.Engine.Tokenization;
using SdWeb.Engine.Training.Scenes;
using static TorchSharp.torch;

namespace SdWeb.Engine.Training;

/// <summary>Scenes as model inputs: pictures [B, 3, 64, 64] in [-1, 1] and captions as CLIP token ids [B, 77].</summary>
internal static class SceneBatch
{
    /// <summary>Draws the scenes on all cores (each is a pure function of its scene), then stacks them in order.</summary>
    public static Tensor Images(IEnumerable<Scene> scenes)
    {
        var pictures = scenes.AsParallel().AsOrdered().Select(SceneRenderer.Render).ToList();
        using var scope = NewDisposeScope();
        var images = pictures.Select(picture =>
        {
            using (picture) return TensorImages.ToModelInput(picture, SceneLayout.Size, SceneLayout.Size, CPU, ScalarType.Float32);
        }).ToList();
        return cat(images, 0).MoveToOuterDisposeScope();
    }

    public static Tensor TokenIds(ClipTokenizer tokenizer, IReadOnlyList<string> captions)
    {
        var ids = captions.SelectMany(c => tokenizer.Tokenize(c).InputIds.Select(id => (long)id)).ToArray();
        return tensor(ids, [captions.Count, tokenizer.Settings.MaxLength]);
    }
}
