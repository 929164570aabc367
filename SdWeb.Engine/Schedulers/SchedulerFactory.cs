namespace SdWeb.Engine.Schedulers;

/// <summary>Creates a sampler by its CLI/UI name, configured from the model's scheduler_config.json.</summary>
internal static class SchedulerFactory
{
    private static readonly Dictionary<string, Func<SchedulerConfig, IScheduler>> Registry = new()
    {
        ["lms"] = c => new LmsDiscreteScheduler(c),
        ["euler"] = c => new EulerDiscreteScheduler(c),
        ["euler_a"] = c => new EulerAncestralDiscreteScheduler(c),
        ["heun"] = c => new HeunDiscreteScheduler(c),
        ["ddim"] = c => new DdimScheduler(c),
        ["pndm"] = c => new PndmScheduler(c),
        ["dpmpp_2m"] = c => new DpmSolverMultistepScheduler(c),
        ["dpmpp_2m_karras"] = c => new DpmSolverMultistepScheduler(c with { UseKarrasSigmas = true }, "dpmpp_2m_karras"),
        ["unipc"] = c => new UniPcMultistepScheduler(c),
    };

    /// <summary>The valid sampler names, in menu order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Registry.Keys];

    /// <summary>
    /// The sampler <paramref name="name"/> built the way diffusers' <c>Class.from_config(modelConfig)</c> builds it:
    /// the model config's fields, the class's defaults for the rest.
    /// </summary>
    public static IScheduler Create(string name, SchedulerConfig modelConfig) =>
        Registry.TryGetValue(name, out var create)
            ? create(modelConfig)
            : throw new ArgumentException($"Unknown scheduler '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
}
