using SdWeb.Engine.Devices;
using SdWeb.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Engine.Training.Shipping;

/// <summary>
/// How closely a model's copy generates what the model does: the same prompts and seeds through the real pipeline
/// (fp32 compute on the CPU, as the demo runs), compared as the PSNR of all their pixels together. A lower precision
/// keeps the quality when this stays high (≥ 35 dB: differences of about one level in 255 on average).
/// </summary>
internal static class GenerationPsnr
{
    /// <summary>Reported for identical pictures, where the PSNR is infinite (and JSON has no infinity).</summary>
    public const double Identical = 100;

    public static double Measure(string referenceDir, string candidateDir, IReadOnlyList<string> prompts, CancellationToken cancellationToken)
    {
        var options = new EngineOptions { Device = "cpu", DType = "fp32" };
        var reference = Generate(new PipelineFactory(options), referenceDir, prompts, cancellationToken);
        var candidate = Generate(new PipelineFactory(options), candidateDir, prompts, cancellationToken);
        double squared = 0;
        long count = 0;
        foreach (var (a, b) in reference.Zip(candidate))
        {
            for (int y = 0; y < a.Height; y++)
                for (int x = 0; x < a.Width; x++)
                {
                    Rgb24 p = a[x, y], q = b[x, y];
                    squared += Square(p.R - q.R) + Square(p.G - q.G) + Square(p.B - q.B);
                    count += 3;
                }
        }
        foreach (var image in reference.Concat(candidate)) image.Dispose();
        double mse = squared / count;
        return mse == 0 ? Identical : Math.Min(Identical, 10 * Math.Log10(255.0 * 255.0 / mse));
    }

    private static double Square(int v) => (double)v * v;

    private static List<Image<Rgb24>> Generate(PipelineFactory factory, string modelDir, IReadOnlyList<string> prompts, CancellationToken cancellationToken)
    {
        using var pipeline = factory.Load(modelDir);
        return prompts.Select((prompt, i) =>
        {
            using var result = pipeline.Generate(DemoModelTraining.Request(prompt, seed: i), progress: null, cancellationToken);
            return result.Images[0].Image.Clone();
        }).ToList();
    }
}
