namespace SdWeb.Engine.Schedulers;

/// <summary>Creates a sampler by its CLI/UI name, configured from the model's scheduler_config.json.</summary>
internal static class SchedulerFactory
{
    private static readonly Dictionary<string, Func<SchedulerConfig, IScheduler>> Registry = new()
    {
        ["lms"] = c => new LmsDiscreteScheduler(c),
        ["lms_karras"] = c => new LmsDiscreteScheduler(Karras(c), "lms_karras"),
        ["euler"] = c => new EulerDiscreteScheduler(c),
        ["euler_karras"] = c => new EulerDiscreteScheduler(Karras(c), "euler_karras"),
        ["euler_a"] = c => new EulerAncestralDiscreteScheduler(c),
        ["heun"] = c => new HeunDiscreteScheduler(c),
        ["heun_karras"] = c => new HeunDiscreteScheduler(Karras(c), "heun_karras"),
        ["ddim"] = c => new DdimScheduler(c),
        ["pndm"] = c => new PndmScheduler(c),
        ["dpmpp_2m"] = c => new DpmSolverMultistepScheduler(c),
        ["dpmpp_2m_karras"] = c => new DpmSolverMultistepScheduler(Karras(c), "dpmpp_2m_karras"),
        ["dpmpp_2m_sde"] = c => new DpmSolverSdeMultistepScheduler(c),
        ["dpmpp_2m_sde_karras"] = c => new DpmSolverSdeMultistepScheduler(Karras(c), "dpmpp_2m_sde_karras"),
        ["unipc"] = c => new UniPcMultistepScheduler(c),
        ["unipc_karras"] = c => new UniPcMultistepScheduler(Karras(c), "unipc_karras"),
    };

    /// <summary>The "_karras" variants: diffusers' use_karras_sigmas=True, offered for every class of 0.24 that has it.</summary>
    private static SchedulerConfig Karras(SchedulerConfig c) => c with { UseKarrasSigmas = true };

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
