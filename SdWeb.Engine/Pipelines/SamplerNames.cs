namespace SdWeb.Engine.Pipelines;

/// <summary>The engine's sampler names (<see cref="Schedulers.SchedulerFactory.Names"/>) and the names AUTOMATIC1111 writes in PNG parameters for the same samplers.</summary>
public static class SamplerNames
{
    private static readonly (string Name, string A1111)[] Table =
    [
        ("lms", "LMS"),
        ("lms_karras", "LMS Karras"),
        ("euler", "Euler"),
        ("euler_karras", "Euler Karras"),
        ("euler_a", "Euler a"),
        ("heun", "Heun"),
        ("heun_karras", "Heun Karras"),
        ("ddim", "DDIM"),
        ("pndm", "PLMS"),
        ("dpmpp_2m", "DPM++ 2M"),
        ("dpmpp_2m_karras", "DPM++ 2M Karras"),
        ("dpmpp_2m_sde", "DPM++ 2M SDE"),
        ("dpmpp_2m_sde_karras", "DPM++ 2M SDE Karras"),
        ("unipc", "UniPC"),
        ("unipc_karras", "UniPC Karras"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(e => e.Name).ToArray();

    /// <summary>"euler_a" → "Euler a"; unknown names pass through unchanged.</summary>
    public static string ToA1111(string name) => Table.FirstOrDefault(e => e.Name == name).A1111 ?? name;

    /// <summary>"Euler a" → "euler_a"; also accepts the engine's own names; null when unknown.</summary>
    public static string? FromA1111(string displayName)
    {
        var trimmed = displayName.Trim();
        foreach (var (name, a1111) in Table)
            if (string.Equals(a1111, trimmed, StringComparison.OrdinalIgnoreCase) || name == trimmed) return name;
        return null;
    }
}
