using SdWeb.Engine.Schedulers;

namespace SdWeb.Engine.Loading;

/// <summary>The scheduler a model ships with: diffusers' class name (e.g. PNDMScheduler) and its config.</summary>
internal sealed record ModelSchedulerConfig(string ClassName, SchedulerConfig Config, string Description)
{
    /// <summary>The SD v1 scheduler config (PNDM, scaled_linear 0.00085–0.012, leading, steps_offset 1), for single-file checkpoints.</summary>
    public static ModelSchedulerConfig StandardV1 { get; } = FromStream(
        () => EmbeddedResources.Open(StandardV1ResourceName), "built-in SD v1 scheduler config");

    internal const string StandardV1ResourceName = "sd-v1-scheduler_config.json";

    public static ModelSchedulerConfig FromFile(string path) => FromStream(() => File.OpenRead(path), path);

    private static ModelSchedulerConfig FromStream(Func<Stream> open, string description)
    {
        string text;
        using (var reader = new StreamReader(open())) text = reader.ReadToEnd();
        try
        {
            // The schedulers' own parser: it also reads the bare -Infinity diffusers writes into saved DPM configs.
            using var doc = SchedulerConfig.ParsePythonJson(text);
            var root = doc.RootElement;
            var className = root.ValueKind == System.Text.Json.JsonValueKind.Object && root.TryGetProperty("_class_name", out var c)
                            && c.ValueKind == System.Text.Json.JsonValueKind.String
                ? c.GetString()!
                : throw new ModelLoadException($"{description}: the scheduler config has no _class_name.");
            return new ModelSchedulerConfig(className, SchedulerConfig.FromJson(root), description);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new ModelLoadException($"{description}: not a valid diffusers scheduler config ({e.Message}). Fix or replace the file.", e);
        }
    }
}
