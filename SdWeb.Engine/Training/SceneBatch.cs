using SdWeb.Engine.Imaging;
using SdWeb.Engine.Tokenization;
using SdWeb.Engine.Training.Scenes;
using static TorchSharp.torch;

namespace SdWeb.Engine.Training;

/// <summary>Scenes as model inputs: pictures [B, 3, 64, 64] in [-1, 1] and captions as CLIP token ids [B, 77].</summary>
internal static class SceneBatch
{
    public static Tensor Images(IEnumerable<Scene> scenes)
    {
        using var scope = NewDisposeScope();
        var images = scenes.Select(scene =>
        {
            using var image = SceneRenderer.Render(scene);
            return TensorImages.ToModelInput(image, SceneLayout.Size, SceneLayout.Size, CPU, ScalarType.Float32);
        }).ToList();
        return cat(images, 0).MoveToOuterDisposeScope();
    }

    public static Tensor TokenIds(ClipTokenizer tokenizer, IReadOnlyList<string> captions)
    {
        var ids = captions.SelectMany(c => tokenizer.Tokenize(c).InputIds.Select(id => (long)id)).ToArray();
        return tensor(ids, [captions.Count, tokenizer.Settings.MaxLength]);
    }
}
