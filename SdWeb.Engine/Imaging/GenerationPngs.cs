using SdWeb.Engine.Pipelines;

namespace SdWeb.Engine.Imaging;

/// <summary>Writes a generation's images as 0.png, 1.png, … (batch order), each with its A1111 parameters chunk.</summary>
public static class GenerationPngs
{
    public static IReadOnlyList<string> Write(GenerationResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (var image in result.Images)
        {
            var path = Path.Combine(directory, $"{image.BatchIndex}.png");
            ParametersPng.Save(image.Image, A1111ParametersText.Format(image, result.Parameters, result.Images.Count), path);
            paths.Add(path);
        }
        return paths;
    }
}
