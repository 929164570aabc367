using SdWeb.Engine.Loading.Configs;
using SdWeb.Engine.Schedulers;

namespace SdWeb.Engine.Loading;

/// <summary>The scheduler a model ships with: diffusers' class name (e.g. PNDMScheduler) and its config.</summary>
public sealed record ModelSchedulerConfig(string ClassName, SchedulerConfig Config, string Description)
{
    /// <summary>The SD v1 scheduler config (PNDM, scaled_linear 0.00085–0.012, leading, steps_offset 1), for single-file checkpoints.</summary>
    public static ModelSchedulerConfig StandardV1 { get; } = FromStream(
        () => EmbeddedResources.Open(StandardV1ResourceName), "built-in SD v1 scheduler config");

    internal const string StandardV1ResourceName = "sd-v1-scheduler_config.json";

    public static ModelSchedulerConfig FromFile(string path) => FromStream(() => File.OpenRead(path), path);

    private static ModelSchedulerConfig FromStream(Func<Stream> open, string description)
    {
        string className;
        using (var head = open())
            className = ConfigJson.ReadClassName(head, description)
                        ?? throw new ModelLoadException($"{description}: the scheduler config has no _class_name.");
        using var body = open();
        return new ModelSchedulerConfig(className, ConfigJson.Read<SchedulerConfig>(body, description), description);
    }
}
