using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.RandomModels;
using SdWeb.Engine.Training;
using SdWeb.Options;

namespace SdWeb.Generation;

/// <summary>
/// First run: with no model in ModelsDir, installs the demo model once, so the app works on a fresh machine without a
/// download. That is the trained demo model the app ships (DemoModel/ beside it, packed by `models pack-demo`) when it
/// is there, else a tiny model with random weights (its images are noise). A random demo left by an earlier version is
/// replaced by the trained one once it ships. The model is written to a hidden folder (which the catalog skips) and
/// renamed into place when complete, so an interrupted first run never leaves a half-written model in the list.
/// </summary>
public sealed class DemoModel(SdWebOptions options, ILogger<DemoModel> logger)
{
    /// <summary>Folder name of the demo model inside ModelsDir, whichever of the two is installed.</summary>
    public const string Name = "sdweb-demo-tiny";

    /// <summary>Fixed, so every installation's random demo model is the same and its images reproduce across machines.</summary>
    private const long WeightSeed = 1;

    private string Installed => Path.Combine(options.ModelsPath, Name);

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
        var models = ModelCatalog.Discover(options.ModelsPath);
        var shipped = ShippedModel();
        bool replacesRandomDemo = models is [{ Name: DemoModel.Name }] && !IsTrainedModel(Installed) && shipped is not null;
        if (models.Count > 0 && !replacesRandomDemo) return;
        if (shipped is not null)
        {
            logger.LogInformation("Installing the trained demo model from {Package} into {ModelsDir}{Replacing}",
                options.DemoModelPath, options.ModelsPath, replacesRandomDemo ? " (replacing the random one)" : "");
            Install(partial =>
            {
                CopyFolder(shipped, partial);
                File.Copy(Path.Combine(options.DemoModelPath, DemoModelTraining.ManifestFileName), Path.Combine(partial, DemoModelTraining.ManifestFileName));
            });
        }
        else
        {
            logger.LogInformation("No model in {ModelsDir} and no trained demo model in {Package}: creating the tiny demo model with random weights",
                options.ModelsPath, options.DemoModelPath);
            Install(partial => RandomModelWriter.Write(partial, RandomModelPreset.Tiny, WeightSeed));
        }
    }

    /// <summary>The shipped diffusers folder, when the app has a complete package (folder and manifest).</summary>
    private string? ShippedModel()
    {
        var folder = Path.Combine(options.DemoModelPath, DemoModelTraining.PackedModelFolder);
        return File.Exists(Path.Combine(folder, "model_index.json")) && IsTrainedModel(options.DemoModelPath) ? folder : null;
    }

    /// <summary>Whether a demo model folder holds the trained model (it carries the package's manifest), not random weights.</summary>
    public static bool IsTrainedModel(string dir) => File.Exists(Path.Combine(dir, DemoModelTraining.ManifestFileName));

    private void Install(Action<string> write)
    {
        var partial = Path.Combine(options.ModelsPath, $".{Name}.partial");
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        write(partial);
        if (Directory.Exists(Installed)) Directory.Delete(Installed, recursive: true);
        Directory.Move(partial, Installed);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
