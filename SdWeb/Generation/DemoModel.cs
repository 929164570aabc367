using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.RandomModels;
using SdWeb.Options;

namespace SdWeb.Generation;

/// <summary>
/// First run: with no model in ModelsDir, writes the built-in tiny model with random weights once, so the app works on a
/// fresh machine without a download. It is written to a hidden folder (which the catalog skips) and renamed into place
/// when complete, so an interrupted first run never leaves a half-written model in the list.
/// </summary>
public sealed class DemoModel(SdWebOptions options, ILogger<DemoModel> logger)
{
    /// <summary>Folder name of the demo model inside ModelsDir.</summary>
    public const string Name = "sdweb-demo-tiny";

    /// <summary>Fixed, so every installation's demo model is the same and its images reproduce across machines.</summary>
    private const long WeightSeed = 1;

    /// <summary>As <see cref="EnsureAnyModel"/>, for a worker starting: a folder it cannot write is logged, not fatal.</summary>
    public void EnsureAnyModelOrLog(ILogger workerLogger)
    {
        try
        {
            EnsureAnyModel();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The app still serves the gallery; jobs fail with "unknown model" until a model is put in ModelsDir.
            workerLogger.LogError(e, "Could not create the demo model; put a model in the models folder");
        }
    }

    public void EnsureAnyModel()
    {
        if (ModelCatalog.Discover(options.ModelsPath).Count > 0) return;
        var target = Path.Combine(options.ModelsPath, Name);
        var partial = Path.Combine(options.ModelsPath, $".{Name}.partial");
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        logger.LogInformation("No model in {ModelsDir}: creating the built-in tiny demo model (random weights)", options.ModelsPath);
        RandomModelWriter.Write(partial, RandomModelPreset.Tiny, WeightSeed);
        Directory.Move(partial, target);
    }
}
